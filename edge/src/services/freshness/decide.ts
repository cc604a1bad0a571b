/**
 * Freshness of a job's data (ADR 0047), as pure functions the status read, the widget and the cron share.
 * "Data" is the last run that produced results: succeeded or partial. A job that never produced any is stale
 * once its target has passed since the target was set, so a new target does not fire at once.
 */
export interface FreshnessTarget { maxAgeMinutes: number; createdAt: number; missedAt: number | null }

export interface Freshness {
  maxAgeMinutes: number;
  /** When the data shown was produced (the last succeeded/partial run's end), or null. */
  dataAt: number | null;
  fresh: boolean;
  /** When fresh data is due at the latest (dataAt or the target's start, plus the target). */
  dueAt: number;
  /** When the cron notified the current miss (null: no miss notified yet, or fresh again). */
  missedAt: number | null;
}

const MINUTE = 60_000;

export function freshnessOf(target: FreshnessTarget, dataAt: number | null, now: number): Freshness {
  const dueAt = (dataAt ?? target.createdAt) + target.maxAgeMinutes * MINUTE;
  return { maxAgeMinutes: target.maxAgeMinutes, dataAt, fresh: now < dueAt, dueAt, missedAt: target.missedAt };
}

export type FreshnessAction = { kind: 'notify'; freshness: Freshness } | { kind: 'clear' } | { kind: 'none' };

/**
 * What the cron does for one target: notify once when the data turns stale (and mark the miss), clear the mark
 * when fresh data arrives (so the next miss notifies again), else nothing. Repeated ticks during one miss: nothing.
 */
export function freshnessAction(target: FreshnessTarget, dataAt: number | null, now: number): FreshnessAction {
  const f = freshnessOf(target, dataAt, now);
  if (!f.fresh) return target.missedAt === null ? { kind: 'notify', freshness: f } : { kind: 'none' };
  return target.missedAt !== null ? { kind: 'clear' } : { kind: 'none' };
}

/** Share of ended runs that succeeded, in whole percent; cancelled runs say nothing about the job and are left out. */
export function successRate(statuses: string[]): number | null {
  const ended = statuses.filter((s) => s === 'succeeded' || s === 'partial' || s === 'failed');
  if (ended.length === 0) return null;
  return Math.round((100 * ended.filter((s) => s === 'succeeded').length) / ended.length);
}
