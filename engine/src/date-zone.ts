/**
 * Time zones and eras for the `date` step. A wall time the page writes without an offset ("30.11.2026 14:05") is
 * placed in the job's or step's IANA zone with `Intl` (DST included); Japanese era years (令和5年 = 2023) and the
 * Minguo calendar (民國112年 = 2023) become Gregorian years before reading. Pure; runs in any runtime.
 */

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    zoneFormats.set(timeZone, f);
  }
  return f;
}

/** The zone's wall clock at an instant, as if it were UTC (epoch ms). */
function wallClock(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const x of zoneFormat(timeZone).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/**
 * The instant at which the zone's clocks show this wall time (given as UTC fields, epoch ms). A time skipped by a
 * DST change lands after it, a repeated one on its first occurrence.
 */
export function zonedInstant(wall: number, timeZone: string): number {
  const offset = (t: number): number => wallClock(t, timeZone) - t;
  const first = wall - offset(wall);
  const second = offset(first);
  return second === offset(wall) ? first : wall - second;
}

/** "2026-11-30" in the zone at this instant. */
export function zonedDate(ms: number, timeZone: string | undefined): string {
  return new Date(timeZone ? wallClock(ms, timeZone) : ms).toISOString().slice(0, 10);
}

/** First Gregorian year of each era: the era's year n is start + n - 1 (元年 is year 1). */
const ERAS: Record<string, number> = { 令和: 2019, 平成: 1989, 昭和: 1926, 大正: 1912, 明治: 1868, 民國: 1912, 民国: 1912 };
const ERA_YEAR = /(令和|平成|昭和|大正|明治|民國|民国) ?(元|\d{1,3}) ?年/g;

/** "令和5年4月1日" as "2023年4月1日"; text without an era is returned as it is. */
export function gregorianEras(s: string): string {
  return s.replace(ERA_YEAR, (_, era: string, n: string) => `${ERAS[era]! + (n === '元' ? 1 : Number(n)) - 1}年`);
}
