import { describe, expect, it } from 'vitest';
import { countedLeases, strandedAhead } from '../src/coordinator/ahead.ts';
import type { TaskRow } from '../src/coordinator/machine.ts';

const row = (taskId: string, status: TaskRow['status'], leaseToken: string | null): TaskRow => ({
  taskId, seq: 0, url: `https://shop.example/${taskId}`, depth: 0, status, attempt: 1, failures: 0, leaseToken, leaseDeadline: leaseToken ? 1 : null, notBefore: 0, error: null,
});

describe('tasks handed ahead (ADR 0069)', () => {
  // b was handed ahead of a's page, d ahead of c's.
  const after: Record<string, string> = { b: 'a', d: 'c' };
  const afterOf = (l: string) => after[l] ?? null;

  it('count against the concurrency only once the page they wait for is no longer in flight', () => {
    expect(countedLeases(['a', 'b', 'c', 'd'], afterOf)).toEqual(['a', 'c']);
    // a's result is in: b counts; c still open, d does not.
    expect(countedLeases(['b', 'c', 'd'], afterOf)).toEqual(['b', 'c']);
    expect(countedLeases(['b', 'd'], afterOf)).toEqual(['b', 'd']);
    expect(countedLeases([], afterOf)).toEqual([]);
  });

  it('are lost with the page whose lease ran out, only while still waiting on the node under that lease', () => {
    const tasks = new Map<string, TaskRow>([
      ['B', row('B', 'queued', 'b')],
      ['D', row('D', 'running', 'd')],
      ['F', row('F', 'queued', 'f-new')],
    ]);
    const ahead = { aheadOf: (l: string) => ({ a: { taskId: 'B', leaseToken: 'b' }, c: { taskId: 'D', leaseToken: 'd' }, e: { taskId: 'F', leaseToken: 'f-old' } })[l] ?? null };
    const expired = [row('A', 'running', 'a'), row('C', 'running', 'c'), row('E', 'running', 'e'), row('G', 'running', 'g')];
    // D already started (it renews its own lease); F was dispatched again under another lease since.
    expect(strandedAhead(expired, ahead, (id) => tasks.get(id)).map((t) => t.taskId)).toEqual(['B']);
    // A task handed ahead whose own lease ran out too is not lost twice.
    expect(strandedAhead([...expired, row('B', 'queued', 'b')], ahead, (id) => tasks.get(id))).toEqual([]);
  });
});
