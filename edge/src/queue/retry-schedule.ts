/**
 * The tasks queue's retry schedule, and the rule tying it to the dispatch lease (ADR 0048). A message no node takes
 * is retried `max_retries` times (wrangler.toml) with these delays, then goes to the dead-letter queue, whose
 * consumer tells the coordinator at once. That report only counts while the dispatch lease it carries is current:
 * if the lease (DISPATCH_TIMEOUT_MS) ran out first, the coordinator had already dispatched the task again and drops
 * the dead letter as stale. So the whole schedule, with every delivery's own time, must end well inside the lease.
 */

/**
 * The tasks queue's `max_retries` (wrangler.toml; edge/test/queue-settings.test.ts keeps them equal): a batch's
 * remainder sent again (ADR 0064) counts its deliveries itself and is reported as a dead letter after as many.
 */
export const TASKS_MAX_RETRIES = 5;

/** Longest wait between two deliveries in production; a test stack lowers it (QUEUE_RETRY_MAX_DELAY_S). */
export const MAX_RETRY_DELAY_S = 30;
/**
 * What one delivery may take at most when nodes are listed but none takes the task: BUSY_ROUNDS pauses of the
 * consumer plus an offer's timeout. A bound for the rule, not a measurement.
 */
export const DELIVERY_BUDGET_MS = 6_000;

/** The delay before the next delivery after the `attempts`-th one failed: 2, 4, 8, 16 s, then the cap. */
export function retryDelaySeconds(attempts: number, maxDelayS = MAX_RETRY_DELAY_S): number {
  return Math.min(maxDelayS, 2 ** Math.min(Math.max(1, attempts), 5));
}

/** The test stack's cap on the delay (a whole number of seconds, 0 allowed), or production's. */
export function maxDelayOf(env: { QUEUE_RETRY_MAX_DELAY_S?: string }): number {
  const n = Number(env.QUEUE_RETRY_MAX_DELAY_S);
  return env.QUEUE_RETRY_MAX_DELAY_S !== undefined && Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_RETRY_DELAY_S) : MAX_RETRY_DELAY_S;
}

/** The longest a message can take to reach the dead-letter queue: every retry delay plus every delivery. */
export function deadLetterAfterMs(maxRetries: number, maxDelayS = MAX_RETRY_DELAY_S): number {
  let ms = (maxRetries + 1) * DELIVERY_BUDGET_MS;
  for (let a = 1; a <= maxRetries; a++) ms += retryDelaySeconds(a, maxDelayS) * 1000;
  return ms;
}

/**
 * Null when the dead letter lands while its lease is current, else what is wrong. The margin leaves room for the
 * dead-letter queue's own batching (max_batch_timeout) and the coordinator's call.
 */
export function deadLetterProblem(s: { maxRetries: number; dispatchTimeoutMs: number; dlqBatchTimeoutS: number; maxDelayS?: number }): string | null {
  const needMs = deadLetterAfterMs(s.maxRetries, s.maxDelayS) + s.dlqBatchTimeoutS * 1000 + 5_000;
  if (needMs <= s.dispatchTimeoutMs) return null;
  return `the tasks queue can take ${needMs} ms to dead-letter a task (max_retries ${s.maxRetries}), longer than the dispatch lease `
    + `DISPATCH_TIMEOUT_MS ${s.dispatchTimeoutMs} ms: lower max_retries or raise DISPATCH_TIMEOUT_MS`;
}
