/**
 * Which mark of a number token is its decimal mark and which group its digits. Given a decimal mark (from
 * `decimal` or a locale) the token must be written that way; without one, only what the token itself or its
 * currency settles is taken, and "1.234" alone is ambiguous.
 */
export interface Marks {
  /** The decimal mark the field was told about; null to work it out. */
  decimal: string | null;
  /** A second decimal mark the locale uses (for money or for other numbers), tried when the first does not fit. */
  alternate?: string;
  /** Without a decimal mark: how the text's currency settles one separator before three digits (see currency.ts). */
  currency?: () => 'group' | '.' | ',' | null;
}

export type MarksProblem = { problem: 'ambiguous' | 'unreadable' };

/** 1,234,567 (groups of three) or 12,34,567 (Indian: twos, then a three). */
function validGroups(groups: string[]): boolean {
  const last = groups.at(-1)!;
  const first = groups[0]!;
  const middle = groups.slice(1, -1);
  if (last.length !== 3 || first.length < 1 || first.length > 3) return false;
  return middle.every((g) => g.length === 3) || (first.length <= 2 && middle.every((g) => g.length === 2));
}

/** The token's decimal mark, null when it has none, or why it cannot be told. */
function decimalOf(token: string, marks: Marks): string | null | MarksProblem {
  // The Arabic decimal mark never groups; a told mark is used as told.
  if (token.includes('\u066b')) return '\u066b';
  if (marks.decimal) return marks.decimal;
  const dots = token.match(/[.,]/g) ?? [];
  if (dots.length === 0) return null;
  if (new Set(dots).size === 2) return dots.at(-1)!; // "1.234,56": the last one
  if (dots.length > 1) return null; // "1,234,567": repeated, so grouping
  const c = dots[0]!;
  const at = token.indexOf(c);
  const head = token.slice(0, at);
  const tail = token.slice(at + 1);
  // Not three digits after it, or spaces/apostrophes grouping before it, or a head no group could start
  // ("0.500", "1234.567"): only a decimal mark fits.
  if (tail.length !== 3 || /['\s]/.test(head) || head.startsWith('0') || head.length > 3) return c;
  const settled = marks.currency?.() ?? null;
  if (settled === 'group') return null;
  return settled ?? { problem: 'ambiguous' };
}

/** "1.234,56" → "1234.56"; a plain decimal string Number() reads exactly. */
export function resolveMarks(token: string, marks: Marks): string | MarksProblem {
  const out = resolveWith(token, marks);
  return typeof out === 'string' || !marks.alternate ? out : resolveWith(token, { decimal: marks.alternate });
}

function resolveWith(token: string, marks: Marks): string | MarksProblem {
  const dec = decimalOf(token, marks);
  if (typeof dec === 'object' && dec !== null) return dec;
  let int = token;
  let frac = '';
  const at = dec === null ? -1 : token.indexOf(dec);
  if (at >= 0) {
    int = token.slice(0, at);
    frac = token.slice(at + 1);
    // A second decimal mark, or a group mark after the decimal one: no locale writes that.
    if (/\D/.test(frac) || int === '') return { problem: 'unreadable' };
  }
  const groupMarks = new Set(int.match(/\D/g) ?? []);
  if (groupMarks.size > 1) return { problem: 'unreadable' };
  if (groupMarks.size === 1 && !validGroups(int.split(/\D/))) return { problem: 'unreadable' };
  return int.replace(/\D/g, '') + (frac ? `.${frac}` : '');
}
