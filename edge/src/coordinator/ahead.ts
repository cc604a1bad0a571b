/**
 * Tasks handed ahead (ADR 0069). A browser page's start may carry the run's next browser task to the same node,
 * which holds it and starts it the moment the page before it is done: the result's round trip through the
 * coordinator (apply, pump, politeness slots) is then off the pages' path instead of between every two pages,
 * which at one page at a time is a fifth of a page's time.
 *
 * The job's `concurrency` still bounds the pages open at once: a task handed ahead does not count while the page it
 * waits for is in flight (the two are one page at a time), and counts as soon as that one's result is in. One task
 * ahead per page. A node lost with its page loses the task ahead with it: both go back at the page's lease expiry.
 */
import type { TaskRow } from './machine.ts';
import { configOf } from '../env.ts';
import { freeSlot } from './slots.ts';
import type { RunContext } from './run-context.ts';

export class AheadLeases {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS ahead_leases (lease_token TEXT PRIMARY KEY, task_id TEXT NOT NULL, after_lease TEXT NOT NULL UNIQUE)');
  }

  add(leaseToken: string, taskId: string, afterLease: string): void {
    this.sql.exec('INSERT OR IGNORE INTO ahead_leases (lease_token, task_id, after_lease) VALUES (?, ?, ?)', leaseToken, taskId, afterLease);
  }

  /** The lease a task handed ahead waits for, or null when this lease was not handed ahead. */
  afterOf(leaseToken: string): string | null {
    return this.sql.exec<{ after_lease: string }>('SELECT after_lease FROM ahead_leases WHERE lease_token = ?', leaseToken).toArray()[0]?.after_lease ?? null;
  }

  /** For each of these leases handed ahead, the lease it waits for: one query for a pump's whole list. */
  afterOfAll(leases: readonly string[]): Map<string, string> {
    if (leases.length === 0) return new Map();
    const rows = this.sql.exec<{ lease_token: string; after_lease: string }>(
      'SELECT lease_token, after_lease FROM ahead_leases WHERE lease_token IN (SELECT value FROM json_each(?))', JSON.stringify(leases)).toArray();
    return new Map(rows.map((r) => [r.lease_token, r.after_lease]));
  }

  /** The task handed ahead of this lease's page, if one was. */
  aheadOf(afterLease: string): { taskId: string; leaseToken: string } | null {
    const row = this.sql.exec<{ task_id: string; lease_token: string }>('SELECT task_id, lease_token FROM ahead_leases WHERE after_lease = ?', afterLease).toArray()[0];
    return row ? { taskId: row.task_id, leaseToken: row.lease_token } : null;
  }
}

/**
 * The leases that count against the job's concurrency: every lease in flight but one handed ahead whose page is
 * still in flight too.
 */
export function countedLeases(inFlight: readonly string[], afterOf: (leaseToken: string) => string | null): string[] {
  const open = new Set(inFlight);
  return inFlight.filter((l) => {
    const after = afterOf(l);
    return after === null || !open.has(after);
  });
}

/**
 * The tasks handed ahead of pages whose leases just ran out, still waiting on their node (queued): they were on the
 * same node, so they are lost with it now rather than at their own, longer, deadline.
 */
export function strandedAhead(expired: readonly TaskRow[], ahead: Pick<AheadLeases, 'aheadOf'>, getTask: (taskId: string) => TaskRow | null | undefined): TaskRow[] {
  return expired.flatMap((t) => {
    const a = t.leaseToken ? ahead.aheadOf(t.leaseToken) : null;
    const task = a ? getTask(a.taskId) : null;
    return task && task.status === 'queued' && task.leaseToken === a!.leaseToken && !expired.some((e) => e.taskId === task.taskId) ? [task] : [];
  });
}

/**
 * A page's result says which task its node holds ahead of it (`taken`, a lease token). The one handed ahead, still
 * waiting for its start: held, it now waits like any dispatch (the dispatch timeout, not the page's whole budget);
 * not held (the start's answer never reached the node), it goes back to pending at once, no attempt spent, instead
 * of holding a place in the job's concurrency until its lease runs out.
 */
export async function settleAhead(c: RunContext, afterLease: string, taken: string | undefined, now: number): Promise<void> {
  const a = c.ahead.aheadOf(afterLease);
  const t = a ? c.store.getTask(a.taskId) : null;
  if (!a || !t || t.status !== 'queued' || t.leaseToken !== a.leaseToken) return;
  if (taken === a.leaseToken) {
    const deadline = now + configOf(c.env).dispatchTimeoutMs;
    if (t.leaseDeadline === null || t.leaseDeadline > deadline) c.store.updateTask({ ...t, leaseDeadline: deadline });
    return;
  }
  c.store.updateTask({ ...t, status: 'pending', attempt: t.attempt - 1, leaseToken: null, leaseDeadline: null, notBefore: now });
  c.log.warn('a task handed ahead never reached its node; back to pending', { taskId: t.taskId });
  await freeSlot(c, t);
}
