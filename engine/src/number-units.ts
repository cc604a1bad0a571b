/**
 * Scale words after a number ("4,2 Mio.", "1.5bn", "3억 4,500만", "2.5 lakh") for the `number` step's `units`
 * option: each word is a power of ten. With a locale, the locale's own compact words (from `Intl`'s compact
 * notation) are added, so "4,2 Mio." (de) or "35L" (en-IN) need no table entry here.
 */

/** Latin and other spaced words: matched whole (a letter right after ends the match, so "Kč" is not "K"). */
const WORDS: Record<string, number> = {
  k: 3, K: 3, thousand: 3, Tsd: 3, 'Tsd.': 3, tys: 3, 'tys.': 3,
  M: 6, mn: 6, mln: 6, million: 6, millions: 6, Mio: 6, 'Mio.': 6,
  B: 9, bn: 9, billion: 9, billions: 9, Mrd: 9, 'Mrd.': 9, Md: 9, mld: 9, milliard: 9, milliards: 9,
  lakh: 5, lakhs: 5, lac: 5, lacs: 5, L: 5, crore: 7, crores: 7, cr: 7, Cr: 7,
};

/** East Asian digits of scale, written without a space and multiplied together ("천만" is 10^3 × 10^4). */
const CJK: Record<string, number> = { 십: 1, 백: 2, 천: 3, 만: 4, 억: 8, 조: 12, 十: 1, 百: 2, 千: 3, 万: 4, 萬: 4, 億: 8, 亿: 8, 兆: 12 };

export const startsWithCjkScale = (rest: string): boolean => CJK[rest.replace(/^ /, '')[0] ?? ''] !== undefined;

export type UnitTable = ReadonlyMap<string, number>;

const localeWords = new Map<string, Array<[string, number]>>();

/** The compact words `Intl` writes for the locale (10^3 to 10^12, short and long), each with its power of ten. */
function compactWords(locale: string): Array<[string, number]> {
  const cached = localeWords.get(locale);
  if (cached) return cached;
  const out: Array<[string, number]> = [];
  try {
    for (const compactDisplay of ['short', 'long'] as const) {
      const nf = new Intl.NumberFormat(locale, { notation: 'compact', compactDisplay, numberingSystem: 'latn' });
      for (let e = 3; e <= 12; e++) {
        const parts = nf.formatToParts(10 ** e);
        const word = parts.find((p) => p.type === 'compact')?.value.trim();
        const digits = parts.filter((p) => p.type === 'integer').map((p) => p.value).join('').length;
        if (word && !/\d/.test(word)) out.push([word, e - (digits - 1)]);
      }
    }
  } catch {
    // An unknown locale has no words of its own; the table above still applies.
  }
  localeWords.set(locale, out);
  return out;
}

/** The words the step accepts: all known ones (`true`), or only those listed; plus the locale's own. */
export function unitTable(units: boolean | readonly string[] | undefined, locale: string | undefined): UnitTable | null {
  if (!units || (Array.isArray(units) && units.length === 0)) return null;
  const all = new Map<string, number>([...Object.entries(WORDS), ...Object.entries(CJK), ...(locale ? compactWords(locale) : [])]);
  if (units === true) return all;
  return new Map([...all].filter(([w]) => (units as readonly string[]).includes(w)));
}

/**
 * The words that make a reader without `units` refuse a value rather than drop its scale ("1.2 Mio." is not 1.2).
 * Letters that also name sizes or measures ("42 L", "5 K", "Size M") count only written against the digits ("1.2M").
 */
const LOOSE = new Set(['k', 'K', 'M', 'B', 'L', 'cr', 'Cr', 'Md', '十', '십']);
export const SCALE_WORDS: UnitTable = new Map([...Object.entries(WORDS), ...Object.entries(CJK)].filter(([w]) => !LOOSE.has(w)));
const refusals = new Map<string, UnitTable>();

/** The words that make a value unreadable without `units`: the table's unambiguous ones plus the locale's own ("млн"). */
export function scaleWordsOf(locale: string | undefined): UnitTable {
  if (!locale) return SCALE_WORDS;
  const cached = refusals.get(locale);
  if (cached) return cached;
  const own = compactWords(locale).filter(([w]) => w.length > 1 && !LOOSE.has(w));
  const table = new Map([...SCALE_WORDS, ...own]);
  refusals.set(locale, table);
  return table;
}

export const ATTACHED_SCALE: UnitTable = new Map([['k', 3], ['K', 3], ['M', 6], ['B', 9], ['bn', 9], ['mn', 6]]);

/**
 * The scale word at the start of `rest` (after optional spaces) and its power of ten: CJK scale characters run
 * together, other words must end at a non-letter. Null when `rest` starts with no word of the table.
 */
export function scaleAt(rest: string, table: UnitTable): { exp: number; length: number } | null {
  const m = /^ ?/.exec(rest)!;
  let i = m[0].length;
  let exp = 0;
  const start = i;
  while (i < rest.length && CJK[rest[i]!] !== undefined && table.has(rest[i]!)) exp += CJK[rest[i++]!]!;
  if (i > start) return { exp, length: i };
  const word = /^[\p{L}.]+/u.exec(rest.slice(i))?.[0] ?? '';
  // Longest first: "Mio." before "Mio", then the word without a trailing dot (end of a sentence).
  for (const w of [word, word.replace(/\.+$/, '')]) {
    const e = table.get(w);
    if (e !== undefined && w) return { exp: e, length: i + w.length };
  }
  return null;
}
