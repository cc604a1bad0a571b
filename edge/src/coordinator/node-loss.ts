/**
 * Node loss (ADR 0048). A task whose fleet node died, stopped renewing its lease or never started it, or that no node
 * took off the queue, did not fail on its page: it goes back to pending on a budget of its own (MAX_NODE_LOSSES per
 * task), and the job's retry policy (its codes, its attempts) is neither asked nor spent. Past the budget the task
 * fails with NODE_LOST, through the retry policy like any failure (NODE_LOST is not retryable unless a job lists it).
 */
import type { Failure } from '@trawl/schemas';
import type { TaskRow } from './machine.ts';

/** Losses a task may suffer before it fails with NODE_LOST: enough for a node or two dying, not a crash loop. */
export const MAX_NODE_LOSSES = 3;
/** A short pause before the next dispatch, so a node that is failing everything is not handed the task again at once. */
export const NODE_LOSS_PAUSE_MS = 500;

/** `node`: the node that held the task was lost; `dispatch`: no node took or started it (a lost hand-back included). */
export type LossKind = 'node' | 'dispatch';

export type LossDecision =
  | { status: 'pending'; losses: number; notBefore: number }
  | { status: 'failed'; losses: number; failure: Failure };

/** What a loss leads to, given the task's losses so far (this one not counted yet). */
export function decideAfterNodeLoss(task: Pick<TaskRow, 'url' | 'attempt'>, lossesBefore: number, reason: string, now: number, max = MAX_NODE_LOSSES): LossDecision {
  const losses = lossesBefore + 1;
  if (losses < max) return { status: 'pending', losses, notBefore: now + NODE_LOSS_PAUSE_MS };
  return {
    status: 'failed', losses,
    failure: { code: 'NODE_LOST', message: `The task lost its fleet node ${losses} times (last: ${reason})`, url: task.url, attempt: task.attempt },
  };
}

/** A failed result that reports a lost node rather than a page failure (the supervisor's report of a dead node process). */
export function reportsNodeLoss(failure: Pick<Failure, 'code'>): boolean {
  return failure.code === 'NODE_LOST';
}

/**
 * Whether a node's start of a lease is refused because another node already started it. A queue delivers at least
 * once, so a task's copy can land on a second node: refused at its start, the copy stops at once and frees its slot,
 * instead of running the page for a result the lease check refuses anyway while tasks behind it wait for a slot
 * past their dispatch lease and are counted as node losses (ADR 0066). The same node starting again (its start call
 * retried) is a renewal.
 */
export function startedElsewhere(startedOn: string | undefined, nodeId: string): boolean {
  return startedOn !== undefined && startedOn !== nodeId;
}

/** Why a lease ran out, by the task's state when it did. */
export function expiryOf(status: TaskRow['status']): { kind: LossKind; reason: string } {
  return status === 'queued'
    ? { kind: 'dispatch', reason: 'lease expired: no fleet node started the task in time' }
    : { kind: 'node', reason: 'lease expired: its fleet node stopped renewing the lease' };
}

export function lossMessage(reason: string, d: Extract<LossDecision, { status: 'pending' }>, max = MAX_NODE_LOSSES): string {
  return `Fleet node lost (${reason}); dispatching again in ${NODE_LOSS_PAUSE_MS} ms (node loss ${d.losses} of ${max}; no attempt of the retry policy spent)`;
}

/** Node losses per task, in the run's own SQLite (a table of its own: the tasks table stays as it is). */
export class NodeLossStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS node_losses (task_id TEXT PRIMARY KEY, n INTEGER NOT NULL)');
  }

  get(taskId: string): number {
    const row = this.sql.exec<{ n: number }>('SELECT n FROM node_losses WHERE task_id = ?', taskId).toArray()[0];
    return row ? Number(row.n) : 0;
  }

  set(taskId: string, n: number): void {
    this.sql.exec('INSERT OR REPLACE INTO node_losses (task_id, n) VALUES (?, ?)', taskId, n);
  }

  /** Every loss of the run (the chaos bench and the run's log read it). */
  total(): number {
    return Number(this.sql.exec<{ n: number }>('SELECT COALESCE(SUM(n), 0) AS n FROM node_losses').one().n);
  }
}
