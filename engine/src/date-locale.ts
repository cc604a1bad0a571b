/**
 * A locale's way of writing dates, taken from `Intl.DateTimeFormat` itself (CLDR): month names in every form its
 * long, medium and short styles use (genitive "ноября", "listopada"; abbreviated "nov.", "thg"), long weekday
 * names (dropped before reading), the order of day, month and year in its numeric form, its time separators
 * ("14.05", "14 h 05") and its AM/PM words ("오후", "م", "p.m."). Gregorian only. Pure; runs in any runtime.
 */
import { normalizeNumerals } from './numerals.ts';

export type Part = 'y' | 'M' | 'd';

export interface LocaleDates {
  /** Lowercased names with their month (1-12), longest first so "november" wins over "nov". */
  months: Array<[string, number]>;
  weekdays: string[];
  /** Day, month and year in the order the numeric (short) form writes them. */
  order: Part[];
  /** Hour, minute and optional second with the locale's separators. */
  time: RegExp;
  am: string[];
  pm: string[];
  /** The locale's default calendar is the Gregorian one (not Thai Buddhist, Persian, Islamic…). */
  gregorian: boolean;
}

const lower = (s: string): string => normalizeNumerals(s).toLowerCase().trim();
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cache = new Map<string, LocaleDates | null>();

function partsOf(locale: string, options: Intl.DateTimeFormatOptions, date: Date): Intl.DateTimeFormatPart[] {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', calendar: 'gregory', ...options }).formatToParts(date);
}

function namesOf(locale: string): Pick<LocaleDates, 'months' | 'weekdays'> {
  const months = new Map<string, number>();
  const weekdays = new Set<string>();
  const styles: Intl.DateTimeFormatOptions[] = [
    { dateStyle: 'full' }, { dateStyle: 'long' }, { dateStyle: 'medium' }, { month: 'long' }, { month: 'short' }, { day: 'numeric', month: 'short' },
  ];
  for (let m = 0; m < 12; m++) {
    const date = new Date(Date.UTC(2026, m, 15));
    for (const options of styles) {
      const parts = partsOf(locale, options, date);
      parts.forEach((p, k) => {
        const name = lower(p.value);
        // Names with digits ("11월", "11月") are numeric months, read by position like "11".
        if (p.type !== 'month' || !name || /\d/.test(name)) return;
        months.set(name, m + 1);
        // Letters the locale glues to the name count with it: Hebrew "בנובמבר", Basque "azaroaren".
        const before = /\p{L}+$/u.exec(parts[k - 1]?.type === 'literal' ? parts[k - 1]!.value : '')?.[0] ?? '';
        const after = /^[\p{L}\p{M}]+/u.exec(parts[k + 1]?.type === 'literal' ? parts[k + 1]!.value : '')?.[0] ?? '';
        if (before || after) months.set(lower(before + p.value + after), m + 1);
      });
    }
  }
  for (let d = 0; d < 7; d++) {
    const date = new Date(Date.UTC(2026, 10, 16 + d));
    for (const options of [{ dateStyle: 'full' }, { weekday: 'long' }] as Intl.DateTimeFormatOptions[]) {
      for (const p of partsOf(locale, options, date)) if (p.type === 'weekday') weekdays.add(lower(p.value));
    }
  }
  return {
    months: [...months].sort((a, b) => b[0].length - a[0].length),
    weekdays: [...weekdays].filter((w) => w.length > 0).sort((a, b) => b.length - a.length),
  };
}

function timeOf(locale: string): Pick<LocaleDates, 'time' | 'am' | 'pm'> {
  const parts = partsOf(locale, { timeStyle: 'medium', hourCycle: 'h23' }, new Date(Date.UTC(2026, 0, 1, 14, 5, 9)));
  const between = (a: string, b: string): string => {
    const i = parts.findIndex((p) => p.type === a);
    const j = parts.findIndex((p) => p.type === b);
    return j === i + 2 && parts[i + 1]?.type === 'literal' ? normalizeNumerals(parts[i + 1]!.value) : ':';
  };
  const hm = escape(between('hour', 'minute')).replace(/ /g, ' ?');
  const ms = escape(between('minute', 'second')).replace(/ /g, ' ?');
  // Not inside a longer run of digits and marks ("30.11.2026" is a date, not 30:11).
  const time = new RegExp(`(?<![\\d.:/-])(\\d{1,2})${hm}(\\d{2})(?:${ms}(\\d{2}))?(?![\\d]|[.:/-]\\d)`);
  // Every day-period word the locale writes beside an hour ("PM", "오후", "م", zh-TW's "晚上"), by the hours it covers.
  const hours = new Map<string, Set<number>>();
  for (let h = 0; h < 24; h++) {
    const at = new Date(Date.UTC(2026, 0, 1, h, 5));
    for (const options of [{ timeStyle: 'short' }, { hour: 'numeric', hour12: true }] as Intl.DateTimeFormatOptions[]) {
      const word = partsOf(locale, options, at).find((x) => x.type === 'dayPeriod');
      if (word) hours.set(lower(word.value), (hours.get(lower(word.value)) ?? new Set()).add(h));
    }
  }
  // A word that joins date and time in the locale's own writing is not a day period there (Welsh "am" = "at").
  const joiners = new Set(partsOf(locale, { dateStyle: 'long', timeStyle: 'short' }, new Date(Date.UTC(2026, 0, 1, 14, 5)))
    .filter((p) => p.type === 'literal').flatMap((p) => lower(p.value).match(/\p{L}+/gu) ?? []));
  const words = [...hours].filter(([w]) => w && !joiners.has(w)).sort((a, b) => b[0].length - a[0].length);
  return {
    time,
    am: words.filter(([, hs]) => [...hs].every((h) => h < 12)).map(([w]) => w),
    pm: words.filter(([, hs]) => [...hs].every((h) => h >= 12)).map(([w]) => w),
  };
}

function orderOf(locale: string): Part[] {
  const kinds: Record<string, Part> = { year: 'y', month: 'M', day: 'd' };
  return partsOf(locale, { dateStyle: 'short' }, new Date(Date.UTC(2026, 10, 30))).flatMap((p) => (kinds[p.type] ? [kinds[p.type]!] : []));
}

/** The locale's date data, or null for a tag `Intl` cannot format. Cached per tag. */
export function localeDates(locale: string): LocaleDates | null {
  if (cache.has(locale)) return cache.get(locale)!;
  let out: LocaleDates | null = null;
  try {
    const calendar = new Intl.DateTimeFormat(locale).resolvedOptions().calendar;
    out = { ...namesOf(locale), ...timeOf(locale), order: orderOf(locale), gregorian: calendar === 'gregory' || calendar === 'iso8601' };
  } catch {
    out = null;
  }
  cache.set(locale, out);
  return out;
}
