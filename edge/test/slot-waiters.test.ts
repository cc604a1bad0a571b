import { describe, expect, it } from 'vitest';
import { WAITER_GRACE_MS, decideSlot, emptySlotState, releaseAndWake, type SlotRequest, type SlotState } from '../src/rate-limit/slot-decision.ts';
import { MAX_SLEEPERS, WAKE_FALLBACK_MS, WOKEN_GRACE_MS, lineChanges, nextLookAt, pickWakes, withSleeper } from '../src/rate-limit/slot-waiters.ts';
import { slotWaitIsCurrent, type TaskRow } from '../src/coordinator/machine.ts';

const T0 = 1_800_000_000_000;
/** A task's request: token and task id alike (`a1` is organization a's first task), from run `run-<task>`. */
const req = (task: string, extra: Partial<SlotRequest> = {}): SlotRequest => ({
  token: `lease-${task}`, org: task.slice(0, 1), maxConcurrent: 1, orgMaxConcurrent: 1, minDelayMs: 0, orgMinDelayMs: 0, ttlMs: 60_000,
  wake: { runId: `run-${task}`, taskId: task, attempt: 1 }, ...extra,
});
const ask = (s: SlotState, r: SlotRequest, at: number) => decideSlot(s, r, T0 + at, 0);
const line = (s: SlotState) => (s.sleepers ?? []).map((x) => x.taskId);

describe('slot waiters: refused tasks sleep in line and a release wakes the next ones (ADR 0060)', () => {
  it('a refused task that can be woken sleeps with the long fallback retry, once in line; one that cannot polls soon', () => {
    let s = ask(emptySlotState(), req('a1'), 0).state;
    const b = ask(s, req('b1'), 10);
    expect(b.answer).toEqual({ granted: false, reason: 'busy', retryInMs: WAKE_FALLBACK_MS });
    s = ask(b.state, req('b1'), 20).state;
    expect(line(s)).toEqual(['b1']);
    const polled = ask(s, req('c1', { wake: undefined }), 30);
    expect(polled.answer).toEqual({ granted: false, reason: 'busy', retryInMs: 1000 });
    expect(line(polled.state)).toEqual(['b1']);
    // Spacing has an exact time: the task asks again then, it does not sleep.
    const spaced = ask(emptySlotState(), req('a1', { minDelayMs: 500, maxConcurrent: 5 }), 0).state;
    const c = ask(spaced, req('c1', { minDelayMs: 500, maxConcurrent: 5 }), 100);
    expect(c.answer).toEqual({ granted: false, reason: 'spacing', retryInMs: 400 });
    expect(line(c.state)).toEqual([]);
  });

  it('a release wakes one sleeper per free slot, organizations in round-robin order, and the woken one gets the slot', () => {
    let s = emptySlotState();
    for (const [i, t] of ['a1', 'a2', 'b1', 'b2', 'c1'].entries()) s = ask(s, req(t, { orgMaxConcurrent: 2 }), i).state;
    expect(s.holders.map((h) => h.token)).toEqual(['lease-a1']);
    const first = releaseAndWake(s, 'lease-a1', T0 + 100);
    // b and c never started, a just did: b first (by name among equals); a's second task waits for its turn.
    expect(first.wake.map((x) => [x.runId, x.taskId, x.attempt])).toEqual([['run-b1', 'b1', 1]]);
    expect(line(first.state)).toEqual(['a2', 'b2', 'c1']);
    const granted = ask(first.state, req('b1', { orgMaxConcurrent: 2 }), 110);
    expect(granted.answer.granted).toBe(true);
    expect(line(granted.state)).toEqual(['a2', 'b2', 'c1']);
    // Two slots free at once: two organizations woken, not two tasks of one.
    const wide = pickWakes({ ...first.state, holders: [] }, 2, T0 + 120);
    expect(wide.wake.map((x) => x.taskId)).toEqual(['b2', 'c1']);
  });

  it('every task of three organizations gets its slot, the organizations taking turns, with nobody polling', () => {
    // 3 organizations x 4 tasks on a site with one slot; each woken task asks at once and finishes at its next step.
    const tasks = ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4', 'c1', 'c2', 'c3', 'c4'];
    let s = emptySlotState();
    const started: string[] = [];
    const tryStart = (t: string, at: number) => {
      const d = ask(s, req(t, { orgMaxConcurrent: 4 }), at);
      s = d.state;
      if (d.answer.granted) started.push(t);
    };
    tasks.forEach((t, i) => tryStart(t, i));
    for (let step = 1; step <= 20 && started.length < tasks.length; step++) {
      const at = step * 1000;
      const woken = releaseAndWake(s, `lease-${started.at(-1)!}`, T0 + at);
      s = woken.state;
      for (const x of woken.wake) tryStart(x.taskId, at + 10);
    }
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3', 'a4', 'b4', 'c4']);
    expect(line(s)).toEqual([]);
  });

  it('an organization at its own cap is not woken; a woken organization keeps its turn only briefly', () => {
    let s = emptySlotState();
    for (const [i, t] of ['a1', 'b1', 'a2', 'c1'].entries()) s = ask(s, req(t, { maxConcurrent: 2 }), i).state;
    expect(s.holders.map((h) => h.org)).toEqual(['a', 'b']);
    // a holds one slot, its cap: b's release wakes c, not a2 (asleep longer).
    const woken = releaseAndWake(s, 'lease-b1', T0 + 100);
    expect(woken.wake.map((x) => x.taskId)).toEqual(['c1']);
    // Another slot free and only a2 asleep: a at its cap could not use it, so nobody is woken.
    expect(pickWakes(woken.state, 1, T0 + 150).wake).toEqual([]);
    // c's wake-up got lost: a newcomer d is turned away while c's turn is fresh, and served once it lapsed.
    const d = { ...req('d1', { maxConcurrent: 2 }) };
    expect(ask(woken.state, d, 100 + WOKEN_GRACE_MS - 50).answer).toMatchObject({ granted: false, reason: 'turn' });
    expect(ask(woken.state, d, 100 + WOKEN_GRACE_MS + 1).answer).toEqual({ granted: true });
  });

  it('the line is bounded (a task beyond it polls at the fallback retry), and an expired sleeper is never woken', () => {
    const full = Array.from({ length: MAX_SLEEPERS }, (_, i) => ({ org: 'a', runId: `r${i}`, taskId: `t${i}`, attempt: 1, cap: 1, since: T0, expiresAt: T0 + 1000 }));
    expect(withSleeper(full, 'b', { runId: 'rb', taskId: 'tb', attempt: 1 }, 1, T0, T0 + 1000)).toBeNull();
    expect(withSleeper(full, 'a', { runId: 'r5', taskId: 't5', attempt: 2 }, 1, T0, T0 + 2000)?.[5]).toMatchObject({ taskId: 't5', attempt: 2, since: T0 });
    const s = { ...emptySlotState(), limit: 1, sleepers: full.slice(0, 2).map((x, i) => ({ ...x, expiresAt: i === 0 ? T0 + 10 : T0 + 1000 })) };
    expect(pickWakes(s, 1, T0 + 500).wake.map((x) => x.taskId)).toEqual(['t1']);
  });

  it('the limiter looks again when a woken task should have asked or a held slot runs out, and writes only the line\'s changes', () => {
    let s = emptySlotState();
    for (const [i, t] of ['a1', 'b1', 'c1'].entries()) s = ask(s, req(t, { ttlMs: 30_000 }), i).state;
    // a holds the slot until T0 + 30 s; b and c sleep: look at the expiry (a dead holder frees it only then).
    expect(nextLookAt(s, false, T0 + 100)).toBe(T0 + 30_000);
    // Just woke someone: look again once its grace is over, to hand the slot on if it did not ask.
    expect(nextLookAt(s, true, T0 + 100)).toBe(T0 + 100 + WOKEN_GRACE_MS);
    expect(nextLookAt(emptySlotState(), true, T0)).toBeNull();
    const woken = releaseAndWake(s, 'lease-a1', T0 + 200);
    const again = ask(woken.state, req('c1', { ttlMs: 30_000 }), 300).state;
    expect(lineChanges(s.sleepers!, woken.state.sleepers!)).toEqual({ put: [], drop: ['b1'] });
    // c asked again: only its own entry (a later expiry, the same place in line) is written.
    const changes = lineChanges(woken.state.sleepers!, again.sleepers!);
    expect(changes.drop).toEqual([]);
    expect(changes.put.map((x) => [x.taskId, x.since, x.expiresAt])).toEqual([['c1', T0 + 2, T0 + 300 + WAKE_FALLBACK_MS + WAITER_GRACE_MS]]);
  });

  it('a coordinator wakes only a task still waiting from that refusal: one that ran and failed since waits its retry (issue #10)', () => {
    const t: TaskRow = { taskId: 't', seq: 1, url: 'https://x.test/', depth: 0, status: 'pending', attempt: 2, failures: 1, leaseToken: null, leaseDeadline: null, notBefore: T0 + 15_000, error: null };
    expect(slotWaitIsCurrent(t, 3, T0)).toBe(true);
    // Dispatched as attempt 3 meanwhile, ran and failed: pending again, waiting its backoff.
    expect(slotWaitIsCurrent({ ...t, attempt: 3, failures: 2 }, 3, T0)).toBe(false);
    expect(slotWaitIsCurrent({ ...t, status: 'running' }, 3, T0)).toBe(false);
    expect(slotWaitIsCurrent({ ...t, notBefore: T0 }, 3, T0)).toBe(false);
  });
});
