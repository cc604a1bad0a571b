import { describe, expect, it } from 'vitest';
import { parseCurrency, readNumber, type NumberOptions } from '../src/number.ts';

const read = (text: string, opts: NumberOptions = {}) => readNumber(text, opts);

describe('numbers seen wrong in issue #10, read right', () => {
  it.each<[string, NumberOptions, number]>([
    ['−12.5%', {}, -12.5], // U+2212
    ['CHF 1’980.00', {}, 1980], // U+2019 grouping
    ['(1,377)', { locale: 'en' }, 1377], // parentheses are punctuation
    ['(1,377)', { locale: 'en', accounting: true }, -1377],
    ['($1,234.50)', { accounting: true }, -1234.5],
    ['₹12,34,567.00', {}, 1234567], // lakh grouping
    ['3억 4,500만', { units: true }, 345000000],
    ['4,2 Mio.', { locale: 'de', units: true }, 4200000],
    ['4,2 млн', { locale: 'ru', units: true }, 4200000],
    ['35L', { locale: 'en-IN', units: true }, 3500000],
    ['1.5 Mrd.', { units: true, decimal: '.' }, 1500000000],
    ['2.5 lakh', { units: true }, 250000],
    ['1,5 crore', { units: true, decimal: ',' }, 15000000],
    ['12万', { units: true }, 120000],
    ['2천만', { units: true }, 20000000],
    ['1.2M views', { units: true }, 1200000],
    ['1.2M views', { units: ['k'] }, NaN],
    ['1.234 CHF', { locale: 'fr-CH' }, 1.234], // fr-CH writes money with a point, other numbers with a comma
    ['1,5', { locale: 'fr-CH' }, 1.5],
    ['12.5%', { percent: 'fraction' }, 0.125],
    ['12.5%', {}, 12.5],
  ])('%s with %j is %d', (text, opts, expected) => {
    const got = read(text, opts);
    if (Number.isNaN(expected)) expect(got.value).toBeNull();
    else expect(got).toEqual({ value: expected });
  });

  it.each([
    ['\u2212', '−5'], ['\u2012', '‒5'], ['\u2013', '–5'], ['\u2014', '—5'], ['\u2015', '―5'], ['\ufe63', '﹣5'], ['\uff0d', '－5'],
  ])('reads U+%s as a minus sign', (_sign, text) => expect(read(text).value).toBe(-5));

  it.each([
    ["1'980.00", 1980], ['1’980.00', 1980], ['1\u00a0980,50', 1980.5], ['1\u2009980,50', 1980.5], ['1\u202f980,50', 1980.5],
    ['1.234.567', 1234567], ['1,234,567', 1234567], ['12,34,567', 1234567], ['1.234,5', 1234.5], ['1,234.5', 1234.5],
  ])('groups %s', (text, expected) => expect(read(text).value).toBe(expected));

  it.each([
    ['١٬٢٣٤٫٥', 1234.5], ['۱۲۳٫۴', 123.4], ['१२,३४५.६', 12345.6], ['１２３．５', 123.5], ['৫০%', 50],
  ])('reads native digits in %s', (text, expected) => expect(read(text).value).toBe(expected));
});

describe('no guess: null with the reason', () => {
  it.each<[string, NumberOptions, string]>([
    ['1.234', {}, 'ambiguous'],
    ['1,234', {}, 'ambiguous'],
    ['(1,377)', {}, 'ambiguous'],
    ['€1,299', {}, 'ambiguous'], // the euro is written both ways
    ['$1.299', {}, 'ambiguous'], // so is the dollar
    ['1.2 Mio.', {}, 'scale'],
    ['1.2M views', {}, 'scale'],
    ['3억', {}, 'scale'],
    ['4,2 млн', { locale: 'ru' }, 'scale'], // the locale's own compact word
    ['price on request', {}, 'unreadable'],
    ['1,234.56', { locale: 'de' }, 'unreadable'], // a group mark after the decimal one
    ['1,5', { decimal: '.' }, 'unreadable'], // not a group of three
    ['1.2.3', {}, 'unreadable'],
  ])('%s with %j', (text, opts, problem) => expect(read(text, opts)).toEqual({ value: null, problem }));

  it('settles one separator by the currency where the currency does', () => {
    expect(read('₩12,900').value).toBe(12900); // no minor digits
    expect(read('¥1.299').value).toBe(1299);
    expect(read('£1,299').value).toBe(1299); // British usage
    expect(read('R$ 1.299').value).toBe(1299); // Brazilian usage
    expect(read('1,299 zł').value).toBe(1.299);
    expect(read('0.500').value).toBe(0.5); // no group starts with 0
    expect(read('1234.567').value).toBe(1234.567); // nor has four digits
  });

  it('keeps hyphens and ranges positive', () => {
    expect(read('SKU AB-12').value).toBe(12);
    expect(read('10-20 items').value).toBe(10);
    expect(read('5-star').value).toBe(5);
    expect(read('€ 3,47-').value).toBe(-3.47);
  });

  it('splits money and keeps the currency', () => {
    expect(parseCurrency('CHF 1’980.00')).toEqual({ amount: 1980, currency: 'CHF' });
    expect(parseCurrency('−€12,50')).toEqual({ amount: -12.5, currency: 'EUR' });
    expect(parseCurrency('1 234 Kč')).toEqual({ amount: 1234, currency: 'CZK' });
  });
});
