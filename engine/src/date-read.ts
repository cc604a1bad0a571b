/**
 * Reads a date written the way a locale writes it ("30. November 2026", "30 de noviembre de 2026, 14:05",
 * "2026년 11월 30일 오후 2:05", "٣٠‏/١١‏/٢٠٢٦"): the time first, then the weekday and the month name, then the
 * numbers left, placed by the locale's numeric order. Without a locale (English names only), a numeric date that
 * reads two ways ("03/04/2026") is ambiguous rather than guessed.
 */
import type { LocaleDates, Part } from './date-locale.ts';
import { normalizeNumerals } from './numerals.ts';

export type DateProblem = 'ambiguous' | 'unreadable';

export interface DateParts {
  y: number;
  M: number;
  d: number;
  time?: { H: number; m: number; s: number };
}

const GENERIC_TIME = /(?<![\d.:/-])(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)/;
const NEAR = /^[\s\p{P}]*(?:\p{L}{1,3}[\s\p{P}]*)?$/u;
const CJK_DATE = /(\d{4}) ?[年년] ?(\d{1,2}) ?[月월] ?(\d{1,2}) ?[日일]/;

/** Where `word` stands on its own in `s` (no letter touching it), or -1. */
function wordAt(s: string, word: string): number {
  for (let i = s.indexOf(word); i >= 0; i = s.indexOf(word, i + 1)) {
    if (!/\p{L}/u.test(s[i - 1] ?? '') && !/[\p{L}\p{M}]/u.test(s[i + word.length] ?? '')) return i;
  }
  return -1;
}

function cut(s: string, at: number, length: number): string {
  return `${s.slice(0, at)} ${s.slice(at + length)}`;
}

/** Two-digit years land within 80 years before and 20 after the fetch year. */
const fullYear = (yy: number, nowYear: number): number => {
  const y = Math.floor(nowYear / 100) * 100 + yy;
  return y > nowYear + 20 ? y - 100 : y < nowYear - 80 ? y + 100 : y;
};

function readTime(s: string, data: LocaleDates): { rest: string; time?: DateParts['time'] } | DateProblem {
  const m = data.time.exec(s) ?? GENERIC_TIME.exec(s);
  if (!m) return { rest: s };
  let rest = cut(s, m.index, m[0].length);
  let H = Number(m[1]);
  const pm = data.pm.map((w) => [w, wordAt(rest, w)] as const).find(([, i]) => i >= 0);
  const am = pm ? undefined : data.am.map((w) => [w, wordAt(rest, w)] as const).find(([, i]) => i >= 0);
  const period = pm ?? am;
  if (period) {
    if (H < 1 || H > 12) return 'unreadable';
    H = (H % 12) + (pm ? 12 : 0);
    rest = cut(rest, period[1], period[0].length);
  }
  const time = { H, m: Number(m[2]), s: Number(m[3] ?? 0) };
  if (time.H > 23 || time.m > 59 || time.s > 59) return 'unreadable';
  return { rest, time };
}

/** Numeric day and month without a locale: settled only when one of them cannot be a month. */
function unorderedDayMonth(a: number, b: number): { M: number; d: number } | DateProblem {
  if (a === b || (a > 12 && b <= 12)) return { M: b, d: a };
  if (b > 12 && a <= 12) return { M: a, d: b };
  return a <= 12 && b <= 12 ? 'ambiguous' : 'unreadable';
}

export function readLocaleDate(text: string, data: LocaleDates, ordered: boolean, nowYear: number): DateParts | DateProblem {
  let s = ` ${normalizeNumerals(text).toLowerCase()} `;
  const t = readTime(s, data);
  if (typeof t === 'string') return t;
  s = t.rest;
  const cjk = CJK_DATE.exec(s);
  if (cjk) return { y: Number(cjk[1]), M: Number(cjk[2]), d: Number(cjk[3]), time: t.time };
  for (const w of data.weekdays) {
    const at = wordAt(s, w);
    if (at >= 0) s = cut(s, at, w.length);
  }
  let month = 0;
  let monthAt = -1;
  const hit = data.months.map(([name, M]) => [name, M, wordAt(s, name)] as const).find(([, , i]) => i >= 0);
  if (hit) {
    [, month, monthAt] = hit;
    s = cut(s, monthAt, hit[0].length);
  }
  const runs = [...s.matchAll(/\d+/g)].map((r) => ({ v: r[0], at: r.index }));
  let parts: DateParts;
  if (month) {
    const years = runs.filter((r) => r.v.length === 4);
    // The day stands next to the month name, with at most a short word between ("30 de noviembre", "30. November"):
    // "3 comments in May 2024" has no day.
    const beside = (r: { v: string; at: number }): boolean =>
      NEAR.test(r.at < monthAt ? s.slice(r.at + r.v.length, monthAt) : s.slice(monthAt + 1, r.at));
    const days = runs.filter((r) => r.v.length <= 2 && beside(r)).sort((a, b) => Math.abs(a.at - monthAt) - Math.abs(b.at - monthAt));
    if (years.length !== 1 || !days[0]) return 'unreadable';
    parts = { y: Number(years[0]!.v), M: month, d: Number(days[0].v) };
  } else {
    if (runs.length !== 3) return 'unreadable';
    const order: Part[] | null = ordered ? data.order : runs[0]!.v.length === 4 ? ['y', 'M', 'd'] : null;
    if (order) {
      const at = (p: Part): string => runs[order.indexOf(p)]?.v ?? '';
      if (at('y').length !== 4 && (at('y').length !== 2 || !data.gregorian)) return 'unreadable';
      parts = { y: at('y').length === 2 ? fullYear(Number(at('y')), nowYear) : Number(at('y')), M: Number(at('M')), d: Number(at('d')) };
    } else {
      if (runs[2]!.v.length !== 4) return runs[2]!.v.length === 2 ? 'ambiguous' : 'unreadable';
      const dm = unorderedDayMonth(Number(runs[0]!.v), Number(runs[1]!.v));
      if (typeof dm === 'string') return dm;
      parts = { y: Number(runs[2]!.v), ...dm };
    }
  }
  // A year in another calendar (Buddhist 2569, Persian 1405) must not pass for a Gregorian one.
  if (!data.gregorian && (parts.y < 1900 || parts.y > 2200)) return 'unreadable';
  return { ...parts, time: t.time };
}
