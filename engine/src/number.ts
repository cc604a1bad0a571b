/**
 * Number and money reading for the `number` and `currency` steps: right, or null with the reason, never a guess.
 * Pure; runs in any runtime (`Intl` gives locale marks and scale words in Node and in Chromium alike).
 */
import { currencyDecimal, currencyIn, isCurrencyCode } from './currency.ts';
import { resolveMarks, type Marks } from './number-marks.ts';
import { ATTACHED_SCALE, scaleAt, scaleWordsOf, startsWithCjkScale, unitTable, type UnitTable } from './number-units.ts';
import { localeSymbols, normalizeNumerals } from './numerals.ts';

export type DecimalMark = 'auto' | '.' | ',';

export interface NumberOptions {
  /** Forces the decimal mark; the other of "." and "," then groups. Wins over `locale`. */
  decimal?: DecimalMark;
  /** BCP 47 tag: the decimal and group marks (and, with `units`, the scale words) are the locale's, from `Intl`. */
  locale?: string;
  /** Scale words ("k", "Mio.", "억", "lakh"): all known (`true`) or only those listed. */
  units?: boolean | readonly string[];
  /** "(1,377)" is -1377 (accounting); otherwise parentheses are punctuation. */
  accounting?: boolean;
  /** "12.5%" reads as 12.5 (`number`, the default) or 0.125 (`fraction`). */
  percent?: 'number' | 'fraction';
}

/**
 * Why a non-empty text gave no number: `ambiguous` ("1.234" could be either without a locale), `unreadable` (no
 * number, or separators no locale writes that way), `scale` (a scale word such as "Mio." with `units` off).
 */
export type NumberProblem = 'ambiguous' | 'unreadable' | 'scale';
export type NumberReading = { value: number; problem?: undefined } | { value: null; problem: NumberProblem };

/** Digit runs joined by one mark each; a space joins only a following group of exactly three digits. */
const TOKEN = /\d+(?:(?:[.,'\u066b]| (?=\d{3}(?!\d)))\d+)*/;
const NEXT_TOKEN = new RegExp(`^ ?(${TOKEN.source})`);
const fail = (problem: NumberProblem): NumberReading => ({ value: null, problem });

function marksOf(opts: NumberOptions, text: string): Marks {
  if (opts.decimal === '.' || opts.decimal === ',') return { decimal: opts.decimal };
  const symbols = opts.locale ? localeSymbols(opts.locale) : null;
  if (symbols) {
    const money = currencyIn(text) !== null;
    const [decimal, other] = money ? [symbols.currencyDecimal, symbols.decimal] : [symbols.decimal, symbols.currencyDecimal];
    return other === decimal ? { decimal } : { decimal, alternate: other };
  }
  // Only asked for when the token alone does not settle its marks.
  return { decimal: null, currency: () => currencyDecimal(currencyIn(text)) };
}

/** Korean, Japanese and Chinese write "4,500만" with the comma grouping: a CJK scale settles the marks. */
const marksBefore = (rest: string, marks: Marks): Marks => (marks.decimal === null && startsWithCjkScale(rest) ? { decimal: '.' } : marks);

export function readNumber(input: string, opts: NumberOptions = {}): NumberReading {
  const s = normalizeNumerals(input);
  const m = TOKEN.exec(s);
  if (!m) return fail('unreadable');
  const prefix = s.slice(0, m.index);
  let rest = s.slice(m.index + m[0].length);
  const marks = marksOf(opts, s);
  const first = resolveMarks(m[0], marksBefore(rest, marks));
  if (typeof first !== 'string') return fail(first.problem);

  // "£2.47m": a lone "m" against the digits of an amount is millions (of a length it would be metres).
  const moneyM = /^m(?![\p{L}])/u.test(rest) && currencyIn(s) !== null;
  const units = unitTable(opts.units, opts.locale);
  const table: UnitTable | null = units && moneyM ? new Map([...units, ['m', 6]]) : units;
  const terms: Array<[string, number]> = [];
  if (table) rest = scaledTerms(first, rest, table, marks, terms);
  if (!terms.length) {
    // A scale word the step was not told to read: "1.2 Mio." is not 1.2.
    if (moneyM || scaleAt(rest, scaleWordsOf(opts.locale)) || (/^[A-Za-z]/.test(rest) && scaleAt(rest, ATTACHED_SCALE))) return fail('scale');
    terms.push([first, 0]);
  }
  const pct = /^ ?%/.test(rest) || /% ?$/.test(prefix);
  const shift = pct && opts.percent === 'fraction' ? -2 : 0;
  // Scaled by exponent in the string, so "4.2" million is 4200000 and 12.5% is 0.125, without float drift.
  const value = terms.reduce((sum, [d, e]) => sum + Number(`${d}e${e + shift}`), 0);
  if (!Number.isFinite(value)) return fail('unreadable');
  const negative = isMinus(prefix, rest) || (opts.accounting === true && /\([^\d()]{0,8}$/.test(prefix) && /^[^\d()]{0,12}\)/.test(rest));
  return { value: negative && value !== 0 ? -value : value };
}

/**
 * "3억 4,500만": the first number with its scale, then each further number with a smaller scale, into `terms`
 * as [digits, power of ten]. Returns the text after the last scale word read.
 */
function scaledTerms(first: string, text: string, table: UnitTable, marks: Marks, terms: Array<[string, number]>): string {
  let rest = text;
  let digits = first;
  for (let tail = text, last = Infinity; ;) {
    const scale = scaleAt(tail, table);
    if (!scale || scale.exp >= last) break;
    terms.push([digits, scale.exp]);
    last = scale.exp;
    rest = tail = tail.slice(scale.length);
    const next = NEXT_TOKEN.exec(tail);
    if (!next) break;
    const after = tail.slice(next[0].length);
    const nd = resolveMarks(next[1]!, marksBefore(after, marks));
    const nextScale = scaleAt(after, table);
    if (typeof nd !== 'string' || !nextScale || nextScale.exp >= last) break;
    digits = nd;
    tail = after;
  }
  return rest;
}

/**
 * A minus sign before the number: leading the text with at most a currency between ("-$5", "-CHF 5", "-Rs 5",
 * "-%12"), or right before the digits after a space, a colon, a currency or a word in a non-Latin script
 * (CLDR's "CHF-5", "US$ -5", currency names); or right after it ("€ 3,47-", Frisian). In a Latin word ("AB-12")
 * it is a hyphen, and "10-20" is a range.
 */
function isMinus(prefix: string, rest: string): boolean {
  if (!prefix.includes('-') && rest[0] !== '-') return false;
  if (/^-(?:$|[\s)\p{Sc}%])/u.test(rest)) return true;
  if (/^ ?-(?:[\p{Sc}%]|\p{L}{1,4}\.?\p{Sc}?)? ?$/u.test(prefix)) return true;
  const m = /- ?$/.exec(prefix);
  if (!m) return false;
  const before = prefix.slice(0, m.index);
  return /(?:^|[\s:=(\p{Sc}]|(?![A-Za-z])\p{L}\p{M}*)$/u.test(before) || isCurrencyCode(/\b([A-Z]{3})$/.exec(before)?.[1]);
}

/** The `number` step: "$1,299.00", "1.234,56 €", "₩12,900", "−12.5%"; null when there is none. */
export function parseNumber(input: string, options: DecimalMark | NumberOptions = {}): number | null {
  return readNumber(input, typeof options === 'string' ? { decimal: options } : options).value;
}

export interface Money {
  amount: number;
  /** ISO 4217 code, or null when the text names no currency. */
  currency: string | null;
}

export type MoneyReading = { value: Money; problem?: undefined } | { value: null; problem: NumberProblem };

/** Splits "₩12,900", "1.234,56 €", "USD 1,299.00" into amount and currency. */
export function readCurrency(input: string, opts: NumberOptions = {}): MoneyReading {
  const n = readNumber(input, opts);
  if (n.value === null) return n;
  return { value: { amount: n.value, currency: currencyIn(normalizeNumerals(input))?.code ?? null } };
}

export function parseCurrency(input: string, options: DecimalMark | NumberOptions = {}): Money | null {
  return readCurrency(input, typeof options === 'string' ? { decimal: options } : options).value;
}
