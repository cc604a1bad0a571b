/**
 * Dates to ISO 8601 for the `date` step: explicit formats (yyyy, yy, MMMM, MMM, MM, M, dd, d, HH, H, mm, ss, a),
 * then relative forms ("3 days ago", "in 2 hours", "yesterday") measured from the fetch time, then a few
 * unambiguous defaults. Dates without a time come out as "2024-03-05"; with a time, as a UTC instant (pages rarely
 * say their zone; the job can add one later). Null when nothing fits: a wrong date is worse than none.
 */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DEFAULT_FORMATS = ['yyyy-MM-dd', 'yyyy-MM-ddTHH:mm:ss', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'MMMM d, yyyy', 'MMM d, yyyy', 'd MMMM yyyy', 'd MMM yyyy'];

const TOKENS: Array<[string, string]> = [
  ['yyyy', '(?<y>\\d{4})'], ['yy', '(?<yy>\\d{2})'], ['MMMM', '(?<mon>[A-Za-z]{3,9})'], ['MMM', '(?<mon>[A-Za-z]{3})\\.?'],
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
  return new RegExp(`^${out}$`, 'i');
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function fromGroups(g: Record<string, string | undefined>): string | null {
  const year = g.y ? Number(g.y) : g.yy ? 2000 + Number(g.yy) : NaN;
  const month = g.M ? Number(g.M) : g.mon ? MONTHS.findIndex((m) => m.startsWith(g.mon!.toLowerCase()) && g.mon!.length >= 3) + 1 : NaN;
  const day = Number(g.d);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && year > 0)) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCDate() !== day) return null; // 31 February
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (g.H === undefined && g.h === undefined) return date;
  let hour = Number(g.H ?? g.h);
  if (g.a) hour = (hour % 12) + (g.a.toLowerCase() === 'pm' ? 12 : 0);
  const min = Number(g.m ?? 0);
  const sec = Number(g.s ?? 0);
  if (hour > 23 || min > 59 || sec > 59) return null;
  return `${date}T${pad(hour)}:${pad(min)}:${pad(sec)}Z`;
}

const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

function relative(s: string, now: number, dateOnly: boolean): string | null {
  const t = s.trim().toLowerCase();
  const iso = (ms: number, coarse: boolean): string => (dateOnly || coarse ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString());
  if (t === 'now' || t === 'just now') return iso(now, false);
  const days: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
  if (t in days) return iso(now + days[t]! * UNIT_MS.day!, true);
  const m = /^(?:(in)\s+)?(\d+|an?|one)\s+(second|minute|hour|day|week|month|year)s?(\s+ago)?$/.exec(t);
  if (!m || Boolean(m[1]) === Boolean(m[4])) return null;
  const n = /^\d+$/.test(m[2]!) ? Number(m[2]) : 1;
  const sign = m[4] ? -1 : 1;
  const unit = m[3]!;
  const coarse = unit === 'day' || unit === 'week' || unit === 'month' || unit === 'year';
  if (unit === 'month' || unit === 'year') {
    const d = new Date(now);
    if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + sign * n);
    else d.setUTCFullYear(d.getUTCFullYear() + sign * n);
    return iso(d.getTime(), true);
  }
  return iso(now + sign * n * UNIT_MS[unit]!, coarse);
}

export function parseDate(input: string, formats: readonly string[], now: number, dateOnly = false): string | null {
  const s = input.replace(/[\s\u00a0]+/g, ' ').trim();
  if (!s) return null;
  for (const f of formats.length ? formats : DEFAULT_FORMATS) {
    const m = formatRegex(f).exec(s);
    const out = m?.groups ? fromGroups(m.groups) : null;
    if (out) return dateOnly ? out.slice(0, 10) : out;
  }
  const rel = relative(s, now, dateOnly);
  if (rel) return rel;
  // A full ISO instant with a zone is unambiguous whatever the formats say.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return dateOnly ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString();
  }
  return null;
}
