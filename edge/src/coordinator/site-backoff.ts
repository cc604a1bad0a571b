/**
 * A run slows down for a site that asks it to (ADR 0027). Pure functions over a per-site state kept in the run's
 * meta: a 429, or a 5xx with Retry-After, holds every task of that site (not only the one that got it), halves the
 * run's concurrency to the site and learns a spacing between its requests; successes win both back slowly.
 */
import type { Failure } from '@trawl/schemas';
import type { TaskRow } from './machine.ts';

export interface SiteState {
  /** No task of the site starts before this. */
  holdUntil: number;
  /** Tasks of the site in flight at once, within the job's concurrency. */
  limit: number;
  /** Learnt gap after each result of the site before its next task starts (0: none). */
  spacingMs: number;
  /** Successes since the last slow-down or step up. */
  successes: number;
}

/** Successes in a row that win back one step: concurrency +1, spacing halved. */
export const RECOVER_AFTER = 5;

/** The site asked to slow down: 429, or a 5xx that said when to come back (a 503 with Retry-After). */
export const asksToSlowDown = (f: Pick<Failure, 'code' | 'retryAfterMs'>): boolean =>
  f.code === 'RATE_LIMITED' || (f.code === 'HTTP_5XX' && f.retryAfterMs !== undefined);

const fresh = (jobConcurrency: number): SiteState => ({ holdUntil: 0, limit: jobConcurrency, spacingMs: 0, successes: 0 });

/**
 * The site's state after a slow-down: held until `retryAt` (the failed task's own retry time: Retry-After or its
 * backoff, whichever is longer) at the least, concurrency halved, spacing at least the site's Retry-After (or the
 * wait it was given when it named none).
 */
export function slowDown(state: SiteState | undefined, jobConcurrency: number, failure: Pick<Failure, 'retryAfterMs'>, retryAt: number, now: number): SiteState {
  const s = state ?? fresh(jobConcurrency);
  return {
    holdUntil: Math.max(s.holdUntil, retryAt),
    limit: Math.max(1, Math.floor(Math.min(s.limit, jobConcurrency) / 2)),
    spacingMs: Math.max(s.spacingMs, failure.retryAfterMs ?? retryAt - now),
    successes: 0,
  };
}

/** The site's state after any other result: the learnt spacing holds the site; every RECOVER_AFTER successes win a step back. */
export function afterResult(state: SiteState | undefined, jobConcurrency: number, succeeded: boolean, now: number): SiteState | undefined {
  if (!state) return undefined;
  const held = { ...state, holdUntil: Math.max(state.holdUntil, now + state.spacingMs) };
  if (!succeeded) return held;
  const successes = state.successes + 1;
  if (successes < RECOVER_AFTER) return { ...held, successes };
  const next = { ...held, limit: Math.min(jobConcurrency, state.limit + 1), spacingMs: Math.floor(state.spacingMs / 2), successes: 0 };
  // Fully recovered: the site is treated as any other again.
  return next.limit >= jobConcurrency && next.spacingMs < 50 ? undefined : next;
}

/** Live tasks as the pump sees them: a held site's pending tasks are not due before its hold ends. */
export function applyHolds(live: readonly TaskRow[], sites: Readonly<Record<string, SiteState>>, siteOf: (url: string) => string): TaskRow[] {
  return live.map((t) => {
    const hold = t.status === 'pending' ? sites[siteOf(t.url)]?.holdUntil ?? 0 : 0;
    return hold > t.notBefore ? { ...t, notBefore: hold } : t;
  });
}

/** Of the tasks the run could dispatch (oldest first), those each site's adaptive concurrency has room for. */
export function withinSiteLimits(picked: readonly TaskRow[], live: readonly TaskRow[], sites: Readonly<Record<string, SiteState>>, siteOf: (url: string) => string): TaskRow[] {
  const inFlight = new Map<string, number>();
  for (const t of live) {
    if (t.status === 'queued' || t.status === 'running') inFlight.set(siteOf(t.url), (inFlight.get(siteOf(t.url)) ?? 0) + 1);
  }
  return picked.filter((t) => {
    const site = siteOf(t.url);
    const n = inFlight.get(site) ?? 0;
    if (n >= (sites[site]?.limit ?? Infinity)) return false;
    inFlight.set(site, n + 1);
    return true;
  });
}
