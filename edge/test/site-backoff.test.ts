import { describe, expect, it } from 'vitest';
import { RECOVER_AFTER, afterResult, applyHolds, asksToSlowDown, slowDown, withinSiteLimits, type SiteState } from '../src/coordinator/site-backoff.ts';
import type { TaskRow } from '../src/coordinator/machine.ts';

const task = (over: Partial<TaskRow> = {}): TaskRow => ({
  taskId: 'tsk_1', seq: 1, url: 'http://a.test/1', depth: 0, status: 'pending', attempt: 0, failures: 0,
  leaseToken: null, leaseDeadline: null, notBefore: 0, error: null, ...over,
});
const siteOf = (url: string) => new URL(url).hostname;
const state = (over: Partial<SiteState> = {}): SiteState => ({ holdUntil: 0, limit: 4, spacingMs: 0, successes: 0, ...over });

describe('per-site backoff', () => {
  it.each([
    [{ code: 'RATE_LIMITED' as const }, true],
    [{ code: 'RATE_LIMITED' as const, retryAfterMs: 1000 }, true],
    [{ code: 'HTTP_5XX' as const, retryAfterMs: 1000 }, true],
    [{ code: 'HTTP_5XX' as const }, false],
    [{ code: 'NAVIGATION_TIMEOUT' as const, retryAfterMs: 1000 }, false],
  ])('%o asks to slow down: %s', (failure, expected) => {
    expect(asksToSlowDown(failure)).toBe(expected);
  });

  it.each([
    // [before, job concurrency, Retry-After, retry at, now] → after
    [undefined, 4, 1000, 6000, 1000, { holdUntil: 6000, limit: 2, spacingMs: 1000, successes: 0 }],
    [state({ limit: 2, holdUntil: 9000, spacingMs: 1000, successes: 3 }), 4, 1000, 6000, 1000, { holdUntil: 9000, limit: 1, spacingMs: 1000, successes: 0 }],
    [state({ limit: 1 }), 4, undefined, 3500, 1000, { holdUntil: 3500, limit: 1, spacingMs: 2500, successes: 0 }],
    [undefined, 1, 30_000, 31_000, 1000, { holdUntil: 31_000, limit: 1, spacingMs: 30_000, successes: 0 }],
  ])('a slow-down from %o (concurrency %i, Retry-After %s) holds the site, halves its concurrency and learns a spacing', (before, conc, retryAfterMs, retryAt, now, after) => {
    expect(slowDown(before, conc, retryAfterMs === undefined ? {} : { retryAfterMs }, retryAt, now)).toEqual(after);
  });

  it('recovers slowly: each result holds the site for the spacing; every RECOVER_AFTER successes win one step back', () => {
    expect(afterResult(undefined, 4, true, 1000)).toBeUndefined();
    let s: SiteState | undefined = state({ limit: 1, spacingMs: 1000, holdUntil: 0 });
    s = afterResult(s, 4, false, 5000);
    expect(s).toEqual(state({ limit: 1, spacingMs: 1000, holdUntil: 6000 }));
    for (let i = 1; i < RECOVER_AFTER; i++) s = afterResult(s, 4, true, 7000);
    expect(s).toEqual(state({ limit: 1, spacingMs: 1000, holdUntil: 8000, successes: RECOVER_AFTER - 1 }));
    s = afterResult(s, 4, true, 7000);
    expect(s).toEqual(state({ limit: 2, spacingMs: 500, holdUntil: 8000, successes: 0 }));
    // Back at the job's concurrency with (almost) no spacing: the site is forgotten.
    expect(afterResult(state({ limit: 3, spacingMs: 40, successes: RECOVER_AFTER - 1 }), 4, true, 7000)).toBeUndefined();
    // Never above the job's concurrency.
    expect(afterResult(state({ limit: 4, spacingMs: 1000, successes: RECOVER_AFTER - 1 }), 4, true, 0)?.limit).toBe(4);
  });

  it('holds every pending task of a held site, not only the one that got the 429; other sites and tasks in flight are untouched', () => {
    const live = [
      task({ taskId: 'a1', url: 'http://a.test/1', notBefore: 0 }),
      task({ taskId: 'a2', url: 'http://a.test/2', notBefore: 9000 }),
      task({ taskId: 'a3', url: 'http://a.test/3', status: 'running', notBefore: 0 }),
      task({ taskId: 'b1', url: 'http://b.test/1', notBefore: 0 }),
    ];
    expect(applyHolds(live, { 'a.test': state({ holdUntil: 5000 }) }, siteOf).map((t) => [t.taskId, t.notBefore]))
      .toEqual([['a1', 5000], ['a2', 9000], ['a3', 0], ['b1', 0]]);
  });

  it('dispatches within each site\'s adaptive concurrency, counting what is in flight', () => {
    const live = [task({ taskId: 'run', url: 'http://a.test/0', status: 'running' })];
    const picked = [
      task({ taskId: 'a1', url: 'http://a.test/1' }), task({ taskId: 'a2', url: 'http://a.test/2' }),
      task({ taskId: 'b1', url: 'http://b.test/1' }), task({ taskId: 'b2', url: 'http://b.test/2' }),
    ];
    expect(withinSiteLimits(picked, live, { 'a.test': state({ limit: 2 }), 'b.test': state({ limit: 1 }) }, siteOf).map((t) => t.taskId)).toEqual(['a1', 'b1']);
    expect(withinSiteLimits(picked, live, { 'a.test': state({ limit: 1 }) }, siteOf).map((t) => t.taskId)).toEqual(['b1', 'b2']);
    expect(withinSiteLimits(picked, live, {}, siteOf).map((t) => t.taskId)).toEqual(['a1', 'a2', 'b1', 'b2']);
  });
});
