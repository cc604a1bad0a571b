/**
 * Dates to ISO 8601 for the `date` step: explicit formats (yyyy, yy, MMMM, MMM, MM, M, dd, d, HH, H, mm, ss, a),
 * then relative forms ("3 days ago", "in 2 hours", "yesterday") measured from the fetch time, then a few
 * unambiguous defaults, then the locale's own written forms (date-read.ts; English names without a locale).
 * Dates without a time come out as "2024-03-05"; with a time, as a UTC instant: a time written without an offset is
 * placed in the step's or job's `timeZone` (date-zone.ts), or read as UTC and flagged `noZone` so the run warns.
 * Japanese eras and Minguo years are Gregorian years first. Null with the reason when nothing fits.
 */
import { localeDates } from './date-locale.ts';
import { readLocaleDate, type DateParts, type DateProblem } from './date-read.ts';
import { normalizeNumerals } from './numerals.ts';
import { readRelative, type RelUnit } from './date-relative.ts';
import { gregorianEras, zonedDate, zonedInstant } from './date-zone.ts';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DEFAULT_FORMATS = ['yyyy-MM-dd', 'yyyy-MM-ddTHH:mm:ss', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'MMMM d, yyyy', 'MMM d, yyyy', 'd MMMM yyyy', 'd MMM yyyy'];

const TOKENS: Array<[string, string]> = [
  ['yyyy', '(?<y>\\d{4})'], ['yy', '(?<yy>\\d{2})'], ['MMMM', '(?<mon>\\p{L}[\\p{L}\\p{M}]{2,15})'], ['MMM', '(?<mon>\\p{L}[\\p{L}\\p{M}]{1,5})\\.?'],
  ['MM', '(?<M>\\d{2})'], ['M', '(?<M>\\d{1,2})'], ['dd', '(?<d>\\d{2})'], ['d', '(?<d>\\d{1,2})(?:st|nd|rd|th)?'],
  ['HH', '(?<H>\\d{2})'], ['H', '(?<H>\\d{1,2})'], ['hh', '(?<h>\\d{2})'], ['h', '(?<h>\\d{1,2})'], ['mm', '(?<m>\\d{2})'],
  ['ss', '(?<s>\\d{2})'], ['a', '(?<a>[AaPp][Mm])'],
];

function formatRegex(format: string): RegExp {
  let out = '';
  for (let i = 0; i < format.length;) {
    const tok = TOKENS.find(([t]) => format.startsWith(t, i));
    if (tok) {
      out += tok[1];
      i += tok[0].length;
    } else {
      out += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s/, '\\s+');
      i++;
    }
  }
  return new RegExp(`^${out}$`, 'iu');
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "2024-03-05", or with a time "2024-03-05T14:30:00Z" (the wall time in `timeZone`); null for a day the calendar has not. */
function isoOf(p: DateParts, timeZone?: string): string | null {
  const { y, M, d } = p;
  if (!(M >= 1 && M <= 12 && d >= 1 && d <= 31 && y > 0)) return null;
  if (new Date(Date.UTC(y, M - 1, d)).getUTCDate() !== d) return null;
  const date = `${pad(y, 4)}-${pad(M)}-${pad(d)}`;
  if (!p.time) return date;
  const { H, m, s } = p.time;
  if (H > 23 || m > 59 || s > 59) return null;
  if (timeZone) return new Date(zonedInstant(Date.UTC(y, M - 1, d, H, m, s), timeZone)).toISOString().replace('.000Z', 'Z');
  return `${date}T${pad(H)}:${pad(m)}:${pad(s)}Z`;
}

/** A month written out: the locale's names (any form Intl writes), then English ones ("Mar", "March"). */
function monthNamed(name: string, locale: string | undefined): number {
  const n = normalizeNumerals(name).toLowerCase();
  const own = locale ? localeDates(locale)?.months.find(([w]) => w === n || w.replace(/\.$/, '') === n)?.[1] : undefined;
  return own ?? MONTHS.findIndex((m) => m.startsWith(n) && n.length >= 3) + 1;
}

function fromGroups(g: Record<string, string | undefined>, locale: string | undefined, timeZone: string | undefined): string | null {
  const year = g.y ? Number(g.y) : g.yy ? 2000 + Number(g.yy) : NaN;
  const month = g.M ? Number(g.M) : g.mon ? monthNamed(g.mon, locale) : NaN;
  if (g.H === undefined && g.h === undefined) return isoOf({ y: year, M: month, d: Number(g.d) });
  let hour = Number(g.H ?? g.h);
  if (g.a) hour = (hour % 12) + (g.a.toLowerCase() === 'pm' ? 12 : 0);
  return isoOf({ y: year, M: month, d: Number(g.d), time: { H: hour, m: Number(g.m ?? 0), s: Number(g.s ?? 0) } }, timeZone);
}

const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** A count of units before (negative) or after `now`; a day or longer is a date, in the zone when one is given. */
function shifted(unit: RelUnit, n: number, now: number, dateOnly: boolean, timeZone: string | undefined): string {
  const coarse = dateOnly || unit === 'day' || unit === 'week' || unit === 'month' || unit === 'year';
  let ms = now + n * (UNIT_MS[unit] ?? 0);
  if (unit === 'month' || unit === 'year') {
    const d = new Date(now);
    if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + n);
    else d.setUTCFullYear(d.getUTCFullYear() + n);
    ms = d.getTime();
  }
  return coarse ? zonedDate(ms, timeZone) : new Date(ms).toISOString();
}

function relative(s: string, now: number, opts: DateOptions): string | null {
  const t = s.trim().toLowerCase();
  const dateOnly = opts.dateOnly ?? false;
  if (t === 'now' || t === 'just now') return shifted('second', 0, now, dateOnly, opts.timeZone);
  const days: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
  if (t in days) return shifted('day', days[t]!, now, dateOnly, opts.timeZone);
  const m = /^(?:(in)\s+)?(\d+|an?|one)\s+(second|minute|hour|day|week|month|year)s?(\s+ago)?$/.exec(t);
  if (m && Boolean(m[1]) !== Boolean(m[4])) {
    const n = /^\d+$/.test(m[2]!) ? Number(m[2]) : 1;
    return shifted(m[3] as RelUnit, m[4] ? -n : n, now, dateOnly, opts.timeZone);
  }
  // The locale's own words ("vor 3 Tagen", "3일 전"), from Intl.RelativeTimeFormat.
  const own = opts.locale ? readRelative(s, opts.locale) : null;
  return own ? shifted(own.unit, own.n, now, dateOnly, opts.timeZone) : null;
}

export interface DateOptions {
  formats?: readonly string[];
  /** BCP 47 tag: month and weekday names, numeric order, time separators and AM/PM words from Intl. */
  locale?: string;
  dateOnly?: boolean;
  /** IANA zone of times written without an offset; without it they are read as UTC and the reading says `noZone`. */
  timeZone?: string;
}

/** `noZone`: the value holds a time the page wrote without an offset, read as UTC because no zone was given. */
export type DateReading = { value: string; problem?: undefined; noZone?: boolean } | { value: null; problem: DateProblem; noZone?: undefined };

const formatCache = new Map<string, RegExp>();
const regexOf = (f: string): RegExp => formatCache.get(f) ?? formatCache.set(f, formatRegex(f)).get(f)!;

export function readDate(input: string, opts: DateOptions, now: number): DateReading {
  const s = gregorianEras(normalizeNumerals(input).trim());
  if (!s) return { value: null, problem: 'unreadable' };
  // A written date is the page's own calendar day: only a time is moved into the zone.
  const tz = opts.dateOnly ? undefined : opts.timeZone;
  // A wall time read without a zone is labelled UTC: say so, once per field (the run's DATE_WITHOUT_ZONE warning).
  const out = (v: string): DateReading => (opts.dateOnly ? { value: v.slice(0, 10) } : { value: v, ...(v.length > 10 && !tz ? { noZone: true } : {}) });
  const formats = opts.formats ?? [];
  for (const f of formats.length ? formats : DEFAULT_FORMATS) {
    const m = regexOf(f).exec(s);
    const v = m?.groups ? fromGroups(m.groups, opts.locale, tz) : null;
    if (v) return out(v);
  }
  const rel = relative(s, now, opts);
  if (rel) return { value: rel };
  // A full ISO instant with a zone is unambiguous whatever the formats say.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return { value: opts.dateOnly ? zonedDate(ms, tz) : new Date(ms).toISOString() };
  }
  // Explicit formats without a locale say exactly how the page writes dates: nothing else is tried.
  if (formats.length && !opts.locale) return { value: null, problem: 'unreadable' };
  const data = localeDates(opts.locale ?? 'en');
  if (!data) return { value: null, problem: 'unreadable' };
  const parts = readLocaleDate(s, data, opts.locale !== undefined, new Date(now).getUTCFullYear());
  if (typeof parts === 'string') return { value: null, problem: parts };
  const v = isoOf(parts, tz);
  return v ? out(v) : { value: null, problem: 'unreadable' };
}

/** The `date` step's value only (null when it cannot be read; readDate says why). */
export function parseDate(input: string, formats: readonly string[], now: number, dateOnly = false, locale?: string): string | null {
  return readDate(input, { formats, dateOnly, locale }, now).value;
}
