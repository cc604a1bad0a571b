import { describe, expect, it } from 'vitest';
import { JobSpec, issuesOf } from '@trawl/schemas';

const spec = (process: unknown[]) => ({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { price: { process } } });

describe('number, currency and date step options', () => {
  it('takes a locale, scale words, accounting negatives and percent as a fraction', () => {
    const s = JobSpec.parse(spec([
      { op: 'number', locale: 'de-CH', units: ['Mio.', 'Mrd.'], accounting: true, percent: 'fraction' },
      { op: 'currency', locale: 'ko-KR', units: true },
      { op: 'date', locale: 'en-IN' },
    ]));
    expect(s.fields.price!.process).toEqual([
      { op: 'number', decimal: 'auto', locale: 'de-CH', units: ['Mio.', 'Mrd.'], accounting: true, percent: 'fraction' },
      { op: 'currency', decimal: 'auto', locale: 'ko-KR', units: true },
      { op: 'date', formats: [], dateOnly: false, locale: 'en-IN' },
    ]);
  });

  it('refuses a locale Intl does not know, at its path, instead of falling back to another locale', () => {
    const r = JobSpec.safeParse(spec([{ op: 'number', locale: 'not a locale' }, { op: 'date', locale: 'zz' }, { op: 'number', percent: 'ratio' }]));
    expect(r.success).toBe(false);
    expect(issuesOf(r.error!).map((i) => i.path)).toEqual(['fields.price.process.0.locale', 'fields.price.process.1.locale', 'fields.price.process.2.percent']);
  });
});
