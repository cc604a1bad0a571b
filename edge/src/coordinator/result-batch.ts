/**
 * Several results of one run in one call (ADR 0061). Each is applied exactly as a single result (applyResult: its
 * lease checked, a repeat answered as a duplicate); their politeness slots are freed in one call per limiter; then
 * ONE pump dispatches what the freed slots allow, and the tasks it hands back go one each to the entries that asked
 * for one. Per page this saves the request, the pump (its scan of the live tasks, the slot calls, the alarm) and
 * the hand-back check a single result costs.
 */
import type { Task, TaskResult } from '@trawl/schemas';
import { pump } from './dispatch.ts';
import { mayHandBackNow } from './hand-back.ts';
import type { TaskRow } from './machine.ts';
import { freeSlots } from './slots.ts';
import { applyResult, type ApplyStatus } from './task-results.ts';
import type { RunContext } from './run-context.ts';

export interface BatchEntry { taskId: string; result: TaskResult }
export interface BatchEntryAnswer { taskId: string; status: ApplyStatus; next?: Task }

export async function taskResults(c: RunContext, entries: readonly BatchEntry[]): Promise<BatchEntryAnswer[]> {
  const statuses: ApplyStatus[] = [];
  const ended: TaskRow[] = [];
  // In order, one at a time: a result's discovered pages and site figures are what the next one is judged against.
  try {
    for (const e of entries) statuses.push(await applyResult(c, e.taskId, e.result, ended));
  } finally {
    // Also when an entry threw: the node posts the batch again and the applied ones are duplicates then, freeing nothing.
    await freeSlots(c, ended);
  }
  const asking = handBackAsks(entries, statuses);
  if (!statuses.includes('applied')) return entries.map((e, i) => ({ taskId: e.taskId, status: statuses[i]! }));
  const first = asking[0] === undefined ? undefined : entries[asking[0]]!;
  const mayHandBack = first !== undefined && await mayHandBackNow(c.env, c.live.nodeOf(first.taskId, first.result.leaseToken));
  const next = await pump(c, mayHandBack ? asking.length : 0);
  return pairNext(entries.map((e, i) => ({ taskId: e.taskId, status: statuses[i]! })), asking, next);
}

/** The entries (their indexes) that may get a task back: applied now, and the node said it has room for one. */
export function handBackAsks(entries: readonly BatchEntry[], statuses: readonly ApplyStatus[]): number[] {
  return entries.flatMap((e, i) => (statuses[i] === 'applied' && e.result.acceptNext ? [i] : []));
}

/** The handed-back tasks, one each to the asking entries in order; entries past the tasks get none. */
export function pairNext<T>(answers: ReadonlyArray<{ taskId: string; status: ApplyStatus }>, asking: readonly number[], next: readonly T[]): Array<{ taskId: string; status: ApplyStatus; next?: T }> {
  const given = new Map(asking.slice(0, next.length).map((idx, k) => [idx, next[k]!]));
  return answers.map((a, i) => (given.has(i) ? { ...a, next: given.get(i)! } : { ...a }));
}
