/**
 * The run's decisions as pure functions over plain rows, unit-tested in Node. The Durable Object
 * (run-coordinator.ts) is a thin shell: it loads rows from its SQLite, asks these functions what to do,
 * persists the answer, arms alarms and fans out events.
 */
import { ERRORS, retryAllowed, type Discovered, type Failure, type ItemData, type JobSpec, type RunCounts, type RunStatus, type TaskResult } from '@trawl/schemas';

export type TaskStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed';
export const LIVE_TASK_STATUSES: readonly TaskStatus[] = ['pending', 'queued', 'running'];

export interface TaskRow {
  taskId: string;
  seq: number;
  url: string;
  depth: number;
  status: TaskStatus;
  /** Dispatches so far (each gets a new lease token). */
  attempt: number;
  /** Failed attempts so far: what the retry policy counts. A release by a draining node is not a failure. */
  failures: number;
  leaseToken: string | null;
  leaseDeadline: number | null;
  notBefore: number;
  error: Failure | null;
}

/** Tasks to dispatch now: pending ones that are due, oldest first, up to the free concurrency. */
export function pickDispatchable(live: readonly TaskRow[], concurrency: number, now: number): TaskRow[] {
  const inFlight = live.filter((t) => t.status === 'queued' || t.status === 'running').length;
  const room = Math.max(0, concurrency - inFlight);
  if (room === 0) return [];
  return live
    .filter((t) => t.status === 'pending' && t.notBefore <= now)
    .sort((a, b) => a.seq - b.seq)
    .slice(0, room);
}

export type ResultVerdict = 'apply' | 'duplicate' | 'stale';

/**
 * Fencing: only the current lease's result is applied. The same result delivered again is a harmless duplicate;
 * a result from an older lease (the node was presumed dead and the task re-dispatched) is stale.
 */
export function judgeResult(task: TaskRow, leaseToken: string): ResultVerdict {
  if (task.status === 'succeeded' || task.status === 'failed') return task.leaseToken === leaseToken ? 'duplicate' : 'stale';
  if (task.leaseToken !== leaseToken) return 'stale';
  return task.status === 'queued' || task.status === 'running' ? 'apply' : 'stale';
}

/** Whether a lease token may still act on a task (start, heartbeat, events, release). */
export function leaseIsCurrent(task: TaskRow, leaseToken: string): boolean {
  return (task.status === 'queued' || task.status === 'running') && task.leaseToken === leaseToken;
}

/** Exponential backoff with ±25% jitter, capped at a minute; a site's Retry-After wins when longer. */
export function backoffMs(failure: Pick<Failure, 'code' | 'retryAfterMs'>, failures: number, random: () => number): number {
  const base = Math.max(250, ERRORS[failure.code].backoffMs) * 2 ** Math.max(0, failures - 1);
  const jittered = Math.min(60_000, base) * (0.75 + random() * 0.5);
  return Math.round(Math.max(jittered, failure.retryAfterMs ?? 0));
}

export type FailureDecision = { status: 'pending'; notBefore: number; failures: number } | { status: 'failed'; failures: number };

/**
 * After a failed attempt: retry later when the job's policy retries the code (its `codes`, or every retryable code)
 * and attempts remain, otherwise the task fails.
 */
export function decideAfterFailure(task: TaskRow, failure: Failure, spec: Pick<JobSpec, 'retry'>, now: number, random: () => number): FailureDecision {
  const failures = task.failures + 1;
  if (retryAllowed(spec.retry, failure.code) && failures < spec.retry.maxAttempts) {
    return { status: 'pending', notBefore: now + backoffMs(failure, failures, random), failures };
  }
  return { status: 'failed', failures };
}

/** The earliest moment the coordinator must wake up: a lease to check, a retry to dispatch, or the run deadline. */
export function nextWake(live: readonly TaskRow[], runDeadline: number, now: number): number {
  let at = runDeadline;
  for (const t of live) {
    if ((t.status === 'queued' || t.status === 'running') && t.leaseDeadline !== null) at = Math.min(at, t.leaseDeadline);
    if (t.status === 'pending' && t.notBefore > now) at = Math.min(at, t.notBefore);
  }
  return at;
}

export function expiredLeases(live: readonly TaskRow[], now: number): TaskRow[] {
  return live.filter((t) => (t.status === 'queued' || t.status === 'running') && t.leaseDeadline !== null && t.leaseDeadline <= now);
}

export type EndReason = { kind: 'drained' } | { kind: 'cancelled' } | { kind: 'timeout' };

/** The run's final status and error, by exhaustive cases. */
export function finalOutcome(counts: RunCounts, reason: EndReason, firstError: Failure | null): { status: RunStatus; error: Failure | null } {
  switch (reason.kind) {
    case 'cancelled':
      return { status: 'cancelled', error: { code: 'CANCELLED', message: 'The run was cancelled', hint: ERRORS.CANCELLED.hint } };
    case 'timeout':
      return {
        status: counts.pagesSucceeded > 0 ? 'partial' : 'failed',
        error: { code: 'RUN_TIMEOUT', message: 'The run reached its deadline before every page was done', hint: ERRORS.RUN_TIMEOUT.hint },
      };
    case 'drained':
      if (counts.pagesFailed === 0) return { status: 'succeeded', error: null };
      return { status: counts.pagesSucceeded === 0 ? 'failed' : 'partial', error: firstError };
  }
}

/** The failure a result carries, or a generic one when a failed result forgot to say why. */
export function failureOf(result: TaskResult, url: string): Failure {
  return result.error ?? { code: 'INTERNAL', message: 'The fleet reported a failure without an error', url, attempt: result.attempt };
}

/** URLs a run did not fetch, by reason (issue #10: nothing is dropped without a word). */
export interface SkippedCounts {
  /** Next pages past the job's maxPages. */
  maxPages: number;
  /** Next pages and detail pages not followed because maxItems was reached (their items were not stored). */
  maxItems: number;
  /** Next pages already in the run's frontier (each URL is fetched once per kind). */
  duplicate: number;
}
export const noSkips = (): SkippedCounts => ({ maxPages: 0, maxItems: 0, duplicate: 0 });
export const addSkips = (a: SkippedCounts, b: SkippedCounts): SkippedCounts =>
  ({ maxPages: a.maxPages + b.maxPages, maxItems: a.maxItems + b.maxItems, duplicate: a.duplicate + b.duplicate });

export interface DiscoveredPlan {
  pages: string[];
  /** Detail pages to visit, each with the key of the stored listing item it belongs to. */
  details: Array<{ url: string; itemKey: string }>;
  skipped: SkippedCounts;
}

/**
 * What a listing result leads to: next pages within the page room left (maxPages), and one detail task per item
 * that was stored (an item beyond maxItems gets none). Detail pages do not count against maxPages: there is one per
 * item, and maxItems already bounds them. Known pages (`isKnownPage`) are dropped before the room is counted, so a
 * repeated pagination link never takes a new page's place; every page not followed is counted by reason.
 */
export function planDiscovered(
  discovered: readonly Discovered[], itemKeys: ReadonlyArray<string | null>, pageRoom: number, itemsFull: boolean, isKnownPage: (url: string) => boolean,
): DiscoveredPlan {
  const skipped = noSkips();
  const fresh: string[] = [];
  for (const d of discovered) {
    if (d.kind !== 'page') continue;
    if (fresh.includes(d.url) || isKnownPage(d.url)) skipped.duplicate++;
    else fresh.push(d.url);
  }
  const room = itemsFull ? 0 : Math.max(0, pageRoom);
  const cut = Math.max(0, fresh.length - room);
  if (itemsFull) skipped.maxItems += cut;
  else skipped.maxPages += cut;
  const details: DiscoveredPlan['details'] = [];
  for (const d of discovered) {
    if (d.kind !== 'detail') continue;
    const itemKey = itemKeys[d.item];
    if (itemKey) details.push({ url: d.url, itemKey });
    else skipped.maxItems++;
  }
  return { pages: fresh.slice(0, room), details, skipped };
}

/**
 * A detail page's fields merged into its listing item. Idempotent (merging the same result twice changes nothing);
 * the listing's own fields win, so a detail page can never overwrite the dedupe key.
 */
export function mergeDetail(item: ItemData, detail: ItemData | undefined): ItemData {
  return detail ? { ...item, ...Object.fromEntries(Object.entries(detail).filter(([k]) => !(k in item))) } : item;
}

/**
 * Tasks to wake when a slot of the run came free: those sent back to pending for want of a slot whose wait is still
 * the slot's (`notBefore` unchanged since). A task that has since run and failed waits its announced retry delay:
 * waking it early started the next attempt 84 ms after "retrying in 5311 ms" (issue #10).
 */
export function slotWaitersToWake(waiting: ReadonlyMap<string, number>, tasks: ReadonlyArray<TaskRow | null>, now: number): TaskRow[] {
  return tasks.filter((t): t is TaskRow => t !== null && t.status === 'pending' && t.notBefore > now && waiting.get(t.taskId) === t.notBefore);
}

/** Whether a task is still waiting from the slot refusal of dispatch `attempt` (each dispatch counts one, a refusal gives it back). */
export function slotWaitIsCurrent(t: TaskRow, attempt: number, now: number): boolean {
  return t.status === 'pending' && t.attempt === attempt - 1 && t.notBefore > now;
}
