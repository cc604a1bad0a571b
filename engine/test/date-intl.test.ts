import { describe, expect, it } from 'vitest';
import { readDate } from '../src/dates.ts';
import { seeded } from './intl-locales.ts';

/** At least 20 languages, several scripts, digit systems and orders (d/M/y, M/d/y, y/M/d, two-digit years). */
const LOCALES = Intl.DateTimeFormat.supportedLocalesOf([
  'en-US', 'en-GB', 'de', 'fr', 'fr-CA', 'es', 'it', 'pt-BR', 'nl', 'pl', 'ru', 'uk', 'cs', 'sv', 'fi', 'da', 'nb', 'tr', 'el',
  'hu', 'ro', 'lt', 'ko', 'ja', 'zh', 'zh-TW', 'ar-EG', 'he', 'fa', 'hi', 'bn', 'th', 'vi', 'id', 'kk', 'eu', 'my', 'am', 'ca', 'hr', 'cy',
]);
const GREGORIAN = (locale: string): boolean => ['gregory', 'iso8601'].includes(new Intl.DateTimeFormat(locale).resolvedOptions().calendar);
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

/** Random instants from 1970 to 2045 (two-digit years stay within the reader's window around 2026), whole seconds. */
function instants(seed: number, n: number): Date[] {
  const rand = seeded(seed);
  const from = Date.UTC(1970, 0, 1);
  const to = Date.UTC(2045, 11, 31);
  return Array.from({ length: n }, () => new Date(Math.floor((from + rand() * (to - from)) / 1000) * 1000));
}

const STYLES: Array<{ options: Intl.DateTimeFormatOptions; time: 'none' | 'minutes' | 'seconds' }> = [
  { options: { dateStyle: 'full' }, time: 'none' },
  { options: { dateStyle: 'long' }, time: 'none' },
  { options: { dateStyle: 'medium' }, time: 'none' },
  { options: { dateStyle: 'short' }, time: 'none' },
  { options: { dateStyle: 'long', timeStyle: 'short' }, time: 'minutes' },
  { options: { dateStyle: 'medium', timeStyle: 'short' }, time: 'minutes' },
  { options: { dateStyle: 'short', timeStyle: 'medium' }, time: 'seconds' },
  { options: { dateStyle: 'full', timeStyle: 'medium' }, time: 'seconds' },
];

/** The ISO text the date step must give, made from the instant's UTC fields (not from the reader). */
function expectedOf(d: Date, time: 'none' | 'minutes' | 'seconds'): string {
  const iso = d.toISOString();
  if (time === 'none') return iso.slice(0, 10);
  return `${iso.slice(0, 17)}${time === 'seconds' ? iso.slice(17, 19) : '00'}Z`;
}

describe('dates formatted by Intl.DateTimeFormat read back, per locale', () => {
  it('covers at least 20 languages', () => expect(new Set(LOCALES.map((l) => l.split('-')[0])).size).toBeGreaterThanOrEqual(20));

  it.each(LOCALES)('%s: full, long, medium and short, with and without a time', (locale) => {
    const failures: string[] = [];
    for (const [i, { options, time }] of STYLES.entries()) {
      const fmt = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC', calendar: 'gregory' });
      for (const d of instants(i * 7919 + locale.length, 15)) {
        const text = fmt.format(d);
        const got = readDate(text, { locale }, NOW);
        // A two-digit year in a locale whose own calendar is not the Gregorian one (th: Buddhist) is refused.
        const refused = !GREGORIAN(locale) && options.dateStyle === 'short' && !/\p{Nd}{4}/u.test(text);
        const expected = refused ? null : expectedOf(d, time);
        if (got.value !== expected) failures.push(`${JSON.stringify(text)} → ${JSON.stringify(got)}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
