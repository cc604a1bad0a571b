/**
 * Which currency a price names, and that currency's conventions: its minor digits and the decimal mark of the
 * place that uses it. These settle "₩12,900" (no minor digits: the comma groups) and "£1,299" (British usage: the
 * comma groups) without a locale; a bare "$" or "€" is used with either mark, so it settles nothing.
 */
import { localeSymbols } from './numerals.ts';

/** Longest symbols first, so "US$" wins over "$". A bare "$" is reported as USD. */
const SYMBOLS: Array<[string, string]> = [
  ['US$', 'USD'], ['C$', 'CAD'], ['A$', 'AUD'], ['NZ$', 'NZD'], ['HK$', 'HKD'], ['R$', 'BRL'], ['S$', 'SGD'],
  ['zł', 'PLN'], ['Kč', 'CZK'], ['kr', 'SEK'], ['CHF', 'CHF'],
  ['€', 'EUR'], ['£', 'GBP'], ['¥', 'JPY'], ['￥', 'JPY'], ['₩', 'KRW'], ['₹', 'INR'], ['₽', 'RUB'], ['₺', 'TRY'], ['₫', 'VND'],
  ['₪', 'ILS'], ['฿', 'THB'], ['₱', 'PHP'], ['$', 'USD'],
];

/** ISO 4217 codes recognised in text, each with the locale whose writing settles an ambiguous separator (EUR: none). */
const CONVENTIONS: Record<string, string | null> = {
  USD: 'en-US', EUR: null, GBP: 'en-GB', JPY: 'ja-JP', KRW: 'ko-KR', CNY: 'zh-CN', INR: 'en-IN', RUB: 'ru-RU', BRL: 'pt-BR',
  CAD: 'en-CA', AUD: 'en-AU', NZD: 'en-NZ', CHF: 'de-CH', SEK: 'sv-SE', NOK: 'nb-NO', DKK: 'da-DK', PLN: 'pl-PL', CZK: 'cs-CZ',
  HUF: 'hu-HU', TRY: 'tr-TR', MXN: 'es-MX', SGD: 'en-SG', HKD: 'zh-HK', TWD: 'zh-TW', THB: 'th-TH', VND: 'vi-VN', ILS: 'he-IL',
  ZAR: 'en-ZA', PHP: 'en-PH', IDR: 'id-ID', MYR: 'ms-MY', AED: 'ar-AE', SAR: 'ar-SA',
};

export const isCurrencyCode = (code: string | undefined): boolean => code !== undefined && code in CONVENTIONS;

export interface CurrencyMention {
  code: string;
  /** Written as a bare "$": the dollar of many countries, so its conventions settle nothing. */
  bareDollar: boolean;
}

const isLetter = (ch: string | undefined): boolean => ch !== undefined && /\p{L}/u.test(ch);

/** The currency the text names by ISO code or symbol (letter symbols such as "kr" only as a word of their own). */
export function currencyIn(text: string): CurrencyMention | null {
  const code = /\b([A-Z]{3})\b/.exec(text)?.[1];
  if (code && code in CONVENTIONS) return { code, bareDollar: false };
  for (const [symbol, iso] of SYMBOLS) {
    const at = text.indexOf(symbol);
    if (at < 0) continue;
    if (/^\p{L}/u.test(symbol) && (isLetter(text[at - 1]) || isLetter(text[at + symbol.length]))) continue;
    const bareDollar = symbol === '$' && !/[A-Za-z]\$/.test(text);
    return { code: iso, bareDollar };
  }
  return null;
}

/**
 * How a currency settles "1,299" or "1.299" (one separator, three digits after it): 'group' when the separator
 * can only group, '.' or ',' for the decimal mark where the currency is used, null when it cannot be settled.
 */
export function currencyDecimal(mention: CurrencyMention | null): 'group' | '.' | ',' | null {
  if (!mention || mention.bareDollar) return null;
  if (!decimalCache.has(mention.code)) decimalCache.set(mention.code, conventionOf(mention.code));
  return decimalCache.get(mention.code)!;
}

const decimalCache = new Map<string, 'group' | '.' | ',' | null>();

function conventionOf(code: string): 'group' | '.' | ',' | null {
  let minor = 2;
  try {
    minor = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
  if (minor === 0) return 'group';
  const locale = CONVENTIONS[code];
  const mark = locale ? localeSymbols(locale)?.decimal : undefined;
  return mark === '.' || mark === ',' ? mark : null;
}
