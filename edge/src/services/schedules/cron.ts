import { Cron } from 'croner';
import { ApiError } from '../../lib/errors.ts';

/** Ticks come once a minute, so a pattern with seconds would ask for runs the trigger cannot start on time. */
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

const badSchedule = (path: string, message: string) =>
  new ApiError('INVALID_SCHEDULE', message, { issues: [{ path, message }] });

/** An IANA zone name the runtime knows; Intl is the source of truth, so the API and croner agree. */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw badSchedule('timeZone', `"${timeZone}" is not an IANA time zone (e.g. "Europe/Berlin", "UTC")`);
  }
}

/** Parses a five-field cron expression (minute hour day-of-month month day-of-week) in a zone; never evaluates code. */
export function parseCron(expr: string, timeZone: string): Cron {
  checkTimeZone(timeZone);
  const trimmed = expr.trim();
  if (!NICKNAMES.has(trimmed.toLowerCase()) && trimmed.split(/\s+/).length !== 5) {
    throw badSchedule('cron', `"${expr}" must have five fields: minute hour day-of-month month day-of-week`);
  }
  try {
    // domAndDow false: the classic cron rule (a day matches if day-of-month OR day-of-week does), as crontab users expect.
    return new Cron(trimmed, { timezone: timeZone, paused: true, domAndDow: false });
  } catch (err) {
    throw badSchedule('cron', err instanceof Error ? err.message : String(err));
  }
}

/** The slots (ms) after `afterMs` up to and including `untilMs`, at most `max` of them (oldest first). */
export function slotsBetween(cron: Cron, afterMs: number, untilMs: number, max: number): number[] {
  const out: number[] = [];
  let cursor = new Date(afterMs);
  while (out.length < max) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > untilMs) break;
    out.push(next.getTime());
    cursor = next;
  }
  return out;
}

/** The next `n` slots after `fromMs`. */
export function nextSlots(cron: Cron, fromMs: number, n: number): number[] {
  return cron.nextRuns(n, new Date(fromMs)).map((d) => d.getTime());
}
