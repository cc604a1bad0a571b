import { describe, expect, it } from 'vitest';
import { JobSpec, emptyCounts } from '@trawl/schemas';
import {
  backoffMs, decideAfterFailure, expiredLeases, finalOutcome, judgeResult, leaseIsCurrent, nextWake, pickDispatchable, slotWaitersToWake, type TaskRow,
} from '../src/coordinator/machine.ts';

const task = (over: Partial<TaskRow> = {}): TaskRow => ({
  taskId: 'tsk_1', seq: 1, url: 'http://a/1', depth: 0, status: 'pending', attempt: 0, failures: 0,
  leaseToken: null, leaseDeadline: null, notBefore: 0, error: null, ...over,
});
const spec = JobSpec.parse({ startUrls: ['http://a/'], itemSelector: 'li', fields: { a: {} }, retry: { maxAttempts: 3 } });
const half = () => 0.5;

describe('run state machine', () => {
  it('dispatches due pending tasks oldest first, up to the free concurrency', () => {
    const live = [
      task({ taskId: 'q', seq: 1, status: 'queued' }),
      task({ taskId: 'late', seq: 2, notBefore: 5000 }),
      task({ taskId: 'b', seq: 4 }),
      task({ taskId: 'a', seq: 3 }),
      task({ taskId: 'c', seq: 5 }),
    ];
    expect(pickDispatchable(live, 3, 1000).map((t) => t.taskId)).toEqual(['a', 'b']);
    expect(pickDispatchable(live, 1, 1000)).toEqual([]);
    expect(pickDispatchable(live, 10, 6000).map((t) => t.taskId)).toEqual(['late', 'a', 'b', 'c']);
  });

  it('fences results: current lease applies, a repeat is a duplicate, an old lease is stale', () => {
    expect(judgeResult(task({ status: 'running', leaseToken: 'L2' }), 'L2')).toBe('apply');
    expect(judgeResult(task({ status: 'queued', leaseToken: 'L2' }), 'L2')).toBe('apply');
    expect(judgeResult(task({ status: 'running', leaseToken: 'L2' }), 'L1')).toBe('stale');
    expect(judgeResult(task({ status: 'succeeded', leaseToken: 'L2' }), 'L2')).toBe('duplicate');
    expect(judgeResult(task({ status: 'succeeded', leaseToken: 'L2' }), 'L1')).toBe('stale');
    expect(judgeResult(task({ status: 'pending', leaseToken: null }), 'L1')).toBe('stale');
    expect(leaseIsCurrent(task({ status: 'running', leaseToken: 'x' }), 'x')).toBe(true);
    expect(leaseIsCurrent(task({ status: 'failed', leaseToken: 'x' }), 'x')).toBe(false);
  });

  it('retries retryable codes with growing backoff until the attempts run out; never retries 4xx', () => {
    const f = { code: 'HTTP_5XX' as const, message: '503' };
    const d1 = decideAfterFailure(task({ failures: 0 }), f, spec, 0, half);
    expect(d1).toEqual({ status: 'pending', notBefore: 2000, failures: 1 });
    const d2 = decideAfterFailure(task({ failures: 1 }), f, spec, 0, half);
    expect(d2).toEqual({ status: 'pending', notBefore: 4000, failures: 2 });
    expect(decideAfterFailure(task({ failures: 2 }), f, spec, 0, half)).toEqual({ status: 'failed', failures: 3 });
    expect(decideAfterFailure(task(), { code: 'HTTP_4XX', message: '404' }, spec, 0, half).status).toBe('failed');
  });

  it('honours Retry-After when it is longer than the backoff, with jitter inside ±25%', () => {
    expect(backoffMs({ code: 'RATE_LIMITED', retryAfterMs: 30_000 }, 1, half)).toBe(30_000);
    const lo = backoffMs({ code: 'HTTP_5XX' }, 1, () => 0);
    const hi = backoffMs({ code: 'HTTP_5XX' }, 1, () => 0.999);
    expect(lo).toBe(1500);
    expect(hi).toBeGreaterThan(2400);
    expect(hi).toBeLessThanOrEqual(2500);
    expect(backoffMs({ code: 'HTTP_5XX' }, 20, half)).toBe(60_000);
  });

  it('wakes for the earliest lease, retry or deadline, and finds expired leases', () => {
    const live = [task({ status: 'running', leaseDeadline: 900 }), task({ status: 'pending', notBefore: 700 }), task({ status: 'pending', notBefore: 10 })];
    expect(nextWake(live, 5000, 100)).toBe(700);
    expect(nextWake([], 5000, 100)).toBe(5000);
    expect(expiredLeases(live, 900).map((t) => t.leaseDeadline)).toEqual([900]);
    expect(expiredLeases(live, 899)).toEqual([]);
  });

  it('ends a run with the right status for every reason', () => {
    const ok = { ...emptyCounts(), pagesSucceeded: 3 };
    const mixed = { ...ok, pagesFailed: 1 };
    const bad = { ...emptyCounts(), pagesFailed: 2 };
    const err = { code: 'HTTP_5XX' as const, message: 'x' };
    expect(finalOutcome(ok, { kind: 'drained' }, null)).toEqual({ status: 'succeeded', error: null });
    expect(finalOutcome(mixed, { kind: 'drained' }, err)).toEqual({ status: 'partial', error: err });
    expect(finalOutcome(bad, { kind: 'drained' }, err)).toEqual({ status: 'failed', error: err });
    expect(finalOutcome(ok, { kind: 'cancelled' }, null).status).toBe('cancelled');
    expect(finalOutcome(ok, { kind: 'timeout' }, null)).toMatchObject({ status: 'partial', error: { code: 'RUN_TIMEOUT' } });
    expect(finalOutcome(emptyCounts(), { kind: 'timeout' }, null).status).toBe('failed');
  });

  it('wakes slot waiters when a slot frees, but never a task that since failed and waits its announced retry delay', () => {
    const waiting = new Map([['slot', 1500], ['retried', 1200], ['moved', 1300], ['due', 900]]);
    const tasks = [
      task({ taskId: 'slot', notBefore: 1500 }),
      // Waited for a slot, ran, failed: "retrying in 5311 ms" set a new notBefore; it must keep it.
      task({ taskId: 'retried', notBefore: 6311 }),
      task({ taskId: 'moved', status: 'running', notBefore: 1300 }),
      task({ taskId: 'due', notBefore: 900 }),
      null,
    ];
    expect(slotWaitersToWake(waiting, tasks, 1000).map((t) => t.taskId)).toEqual(['slot']);
  });
});
