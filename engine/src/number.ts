/** Number and money parsing for the `number` and `currency` steps. Pure; runs in any runtime. */

export type DecimalMark = 'auto' | '.' | ',';

/**
 * Parses "$1,299.00", "1.234,56 €", "₩12,900", "-3.5%", "(12.00)". With `auto`, the last separator followed by
 * one, two or four-plus digits is the decimal mark and others group thousands; a single separator followed by exactly
 * three digits groups thousands ("12,900", "1.234"), the common case in prices. Null when no number is found.
 */
export function parseNumber(input: string, decimal: DecimalMark = 'auto'): number | null {
  const m = /-?\d[\d.,'\s\u00a0\u202f]*/.exec(input);
  if (!m) return null;
  let digits = m[0].replace(/[\s\u00a0\u202f']/g, '').replace(/[.,]+$/, '');
  const negative = digits.startsWith('-') || /^\s*\(.*\)\s*$/.test(input) || /^\s*-\D{0,3}\d/.test(input);
  digits = digits.replace('-', '');
  let normalized: string;
  if (decimal !== 'auto') {
    const group = decimal === '.' ? ',' : '.';
    normalized = digits.split(group).join('').replace(decimal, '.');
  } else {
    const lastSep = Math.max(digits.lastIndexOf('.'), digits.lastIndexOf(','));
    if (lastSep === -1) normalized = digits;
    else {
      const tail = digits.slice(lastSep + 1);
      const head = digits.slice(0, lastSep).replace(/[.,]/g, '');
      const seps = digits.match(/[.,]/g) ?? [];
      const mixed = new Set(seps).size > 1;
      // "1,234,567" repeats its separator: grouping. "1.234,56" mixes them: the last one is decimal.
      const isDecimal = tail.length !== 3 || mixed || (seps.length === 1 && digits[lastSep] === '.' && head.length > 3);
      normalized = isDecimal ? `${head}.${tail}` : `${head}${tail}`;
    }
  }
  const n = Number(normalized);
  if (normalized === '' || !Number.isFinite(n)) return null;
  return negative ? -n : n;
}

/** Longest symbols first, so "US$" wins over "$". A bare "$" is taken as USD. */
const SYMBOLS: Array<[string, string]> = [
  ['US$', 'USD'], ['C$', 'CAD'], ['A$', 'AUD'], ['NZ$', 'NZD'], ['HK$', 'HKD'], ['R$', 'BRL'], ['S$', 'SGD'],
  ['zł', 'PLN'], ['Kč', 'CZK'], ['kr', 'SEK'], ['CHF', 'CHF'],
  ['€', 'EUR'], ['£', 'GBP'], ['¥', 'JPY'], ['￥', 'JPY'], ['₩', 'KRW'], ['₹', 'INR'], ['₽', 'RUB'], ['₺', 'TRY'], ['₫', 'VND'],
  ['₪', 'ILS'], ['฿', 'THB'], ['₱', 'PHP'], ['$', 'USD'],
];
const CODES = new Set(['USD', 'EUR', 'GBP', 'JPY', 'KRW', 'CNY', 'INR', 'RUB', 'BRL', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK',
  'PLN', 'CZK', 'HUF', 'TRY', 'MXN', 'SGD', 'HKD', 'TWD', 'THB', 'VND', 'ILS', 'ZAR', 'PHP', 'IDR', 'MYR', 'AED', 'SAR']);

export interface Money {
  amount: number;
  /** ISO 4217 code, or null when the text names no currency. */
  currency: string | null;
}

/** Splits "₩12,900", "1.234,56 €", "USD 1,299.00" into amount and currency; null when there is no amount. */
export function parseCurrency(input: string, decimal: DecimalMark = 'auto'): Money | null {
  const amount = parseNumber(input, decimal);
  if (amount === null) return null;
  const code = /\b([A-Z]{3})\b/.exec(input)?.[1];
  if (code && CODES.has(code)) return { amount, currency: code };
  for (const [symbol, iso] of SYMBOLS) if (input.includes(symbol)) return { amount, currency: iso };
  return { amount, currency: null };
}
