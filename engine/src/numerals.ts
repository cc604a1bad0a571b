/**
 * Text normalisation shared by the number and date readers, and a locale's symbols taken from `Intl` itself
 * (CLDR data both Node and Chromium ship), so no locale table is kept here. Pure; runs in any runtime.
 */

/** Zero of each decimal digit block `Intl` formats in (Arabic-Indic, Persian, Devanagari, Bengali, Thai, fullwidth…). */
const DIGIT_ZEROS = [0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0,
  0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10];

/** Every minus sign: hyphen-minus, U+2212, figure and en/em dashes U+2012–2015, small and fullwidth hyphen-minus. */
export const MINUS_SIGNS = '-\u2212\u2012\u2013\u2014\u2015\ufe63\uff0d';

const MINUSES = new Set(MINUS_SIGNS);
/** Direction marks (RLM, LRM, ALM, isolates, embeddings): Intl puts them around signs in RTL locales. */
const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;
/** Apostrophe-like group marks (Swiss "1’980", Arabic "١٬٢٣٤"): grouping only, never a decimal mark. */
const APOSTROPHES = new Set(['\u2019', '\u02bc', '\u066c', '\uff07']);
const SAME: Record<string, string> = { '\uff0c': ',', '\uff0e': '.', '\u066a': '%', '\uff05': '%', '\ufe6a': '%' };

function digitOf(c: number): string | null {
  for (const zero of DIGIT_ZEROS) if (c >= zero && c <= zero + 9) return String(c - zero);
  return null;
}

function mapChar(ch: string): string {
  if (MINUSES.has(ch)) return '-';
  if (APOSTROPHES.has(ch)) return "'";
  if (/\s/.test(ch)) return ' '; // NBSP, thin, narrow no-break, figure spaces… all group digits the same way
  if (BIDI.test(ch)) return '';
  return SAME[ch] ?? digitOf(ch.codePointAt(0)!) ?? ch;
}

/** Printable ASCII with single spaces: nothing to change (the common case, kept cheap). */
const PLAIN = /^[\x21-\x7e]*(?: [\x21-\x7e]+)*$/;

/**
 * One spelling for every way of writing the same number: ASCII digits, "-" for each minus sign, one space for
 * each run of spaces, "'" for apostrophe grouping, "." and "," for fullwidth ones, "٫" (the Arabic decimal mark)
 * kept as the only decimal-only mark, "%" for the Arabic and fullwidth percent signs.
 */
export function normalizeNumerals(s: string): string {
  if (PLAIN.test(s)) return s;
  return s.replace(/[^\x21-\x7e]/gu, mapChar).replace(/ {2,}/g, ' ');
}

export interface LocaleSymbols {
  /** Normalised decimal mark: ".", "," or "٫". */
  decimal: string;
  /** Normalised group mark: ".", ",", "'" or " " (empty when the locale does not group). */
  group: string;
  /** The decimal mark of amounts of money, which a few locales write differently (fr-CH: "1,5" but "CHF 1.50"). */
  currencyDecimal: string;
}

const symbolCache = new Map<string, LocaleSymbols | null>();

/** The locale's decimal and group marks, normalised; null for a tag `Intl` does not accept. */
export function localeSymbols(locale: string): LocaleSymbols | null {
  if (symbolCache.has(locale)) return symbolCache.get(locale)!;
  let out: LocaleSymbols | null = null;
  try {
    const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5);
    const decimal = normalizeNumerals(parts.find((p) => p.type === 'decimal')?.value ?? '.');
    const group = normalizeNumerals(parts.find((p) => p.type === 'group')?.value ?? '');
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).formatToParts(1.5);
    const currencyDecimal = normalizeNumerals(money.find((p) => p.type === 'decimal')?.value ?? decimal);
    out = { decimal, group, currencyDecimal };
  } catch {
    out = null;
  }
  symbolCache.set(locale, out);
  return out;
}

/** True for a BCP 47 tag `Intl` accepts (checked at spec validation, so a typo fails there and not in a run). */
export function isKnownLocale(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}
