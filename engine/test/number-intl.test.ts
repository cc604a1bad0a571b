import { describe, expect, it } from 'vitest';
import { readNumber } from '../src/number.ts';
import { INTL_LOCALES, seeded } from './intl-locales.ts';

const CURRENCIES = ['USD', 'EUR', 'JPY', 'KRW', 'CHF', 'INR', 'GBP', 'BRL'];

/**
 * The value as the formatter rounded it, read from the parts of the same format in plain digits (en, no grouping,
 * the locale's own fraction digits): the parser under test is not used to make its expected value.
 */
function rounded(x: number, options: Intl.ResolvedNumberFormatOptions, percent: boolean): number {
  const plain = new Intl.NumberFormat('en', {
    minimumFractionDigits: options.minimumFractionDigits, maximumFractionDigits: options.maximumFractionDigits,
    useGrouping: false, numberingSystem: 'latn', ...(percent ? { style: 'percent' } : {}),
  }).formatToParts(x);
  const text = plain.filter((p) => ['minusSign', 'integer', 'decimal', 'fraction'].includes(p.type)).map((p) => p.value).join('');
  const n = Number(`${text}e${percent ? -2 : 0}`);
  return n === 0 ? 0 : n; // -0 formats as "-0"
}

/** Values from 0.001 to 10^9, negative half the time, with as many fraction digits as the format keeps. */
function values(seed: number, n: number): number[] {
  const rand = seeded(seed);
  return Array.from({ length: n }, () => {
    const magnitude = 10 ** Math.floor(rand() * 12 - 3);
    const v = Math.round(rand() * magnitude * 1000) / 1000;
    return rand() < 0.5 ? -v : v;
  });
}

describe('numbers formatted by Intl.NumberFormat read back, per locale', () => {
  it('covers at least 100 locales', () => expect(INTL_LOCALES.length).toBeGreaterThanOrEqual(100));

  it.each(INTL_LOCALES)('%s: decimal, percent and currency styles', (locale) => {
    const seed = [...locale].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const cases: Array<{ options: Intl.NumberFormatOptions; accounting?: boolean }> = [
      { options: { maximumFractionDigits: 3 } },
      { options: { maximumFractionDigits: 0 } },
      { options: { style: 'percent', maximumFractionDigits: 2 } },
      ...CURRENCIES.map((currency) => ({ options: { style: 'currency', currency } as Intl.NumberFormatOptions })),
      { options: { style: 'currency', currency: 'EUR', currencyDisplay: 'code' } },
      { options: { style: 'currency', currency: 'USD', currencyDisplay: 'name' } },
      { options: { style: 'currency', currency: 'CHF', currencySign: 'accounting' }, accounting: true },
    ];
    const failures: string[] = [];
    for (const [i, { options, accounting }] of cases.entries()) {
      const nf = new Intl.NumberFormat(locale, options);
      const percent = options.style === 'percent';
      for (const x of values(seed + i, 12)) {
        const text = nf.format(x);
        const expected = rounded(x, nf.resolvedOptions(), percent);
        const got = readNumber(text, { locale, percent: percent ? 'fraction' : 'number', accounting });
        if (got.value !== expected) failures.push(`${JSON.stringify(text)} → ${JSON.stringify(got)}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
