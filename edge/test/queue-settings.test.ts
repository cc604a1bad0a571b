import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
// The shipped file itself, as text (Vite's ?raw import: edge tests have no Node APIs in their types).
import toml from '../../wrangler.toml?raw';
import { deadLetterAfterMs, deadLetterProblem, maxDelayOf, retryDelaySeconds, TASKS_MAX_RETRIES } from '../src/queue/retry-schedule.ts';

interface Consumer { queue: string; max_retries?: number; dead_letter_queue?: string; max_batch_timeout?: number }
const config = parse(toml) as unknown as { queues: { consumers: Consumer[] }; vars: Record<string, string> };

describe('the shipped queue settings and the dispatch lease (ADR 0048)', () => {
  it('wrangler.toml: the tasks queue dead-letters a task while its dispatch lease is still current', () => {
    const consumers = config.queues.consumers;
    const tasks = consumers.find((c) => c.queue === 'trawl-tasks');
    const dlq = consumers.find((c) => c.queue === tasks?.dead_letter_queue);
    expect(tasks?.dead_letter_queue).toBe('trawl-tasks-dlq');
    expect(dlq).toBeDefined();
    const problem = deadLetterProblem({ maxRetries: Number(tasks!.max_retries), dispatchTimeoutMs: Number(config.vars.DISPATCH_TIMEOUT_MS), dlqBatchTimeoutS: Number(dlq!.max_batch_timeout) });
    expect(problem).toBeNull();
    // A batch's re-sent rest counts its own deliveries against the same number (ADR 0064).
    expect(Number(tasks!.max_retries)).toBe(TASKS_MAX_RETRIES);
  });

  it('the rule refuses the settings this project shipped before: 8 retries against a 120 s lease', () => {
    // 2+4+8+16+30*4 s of delays = 150 s, before counting any delivery's own time.
    expect(deadLetterAfterMs(8) - 9 * 6_000).toBe(150_000);
    expect(deadLetterProblem({ maxRetries: 8, dispatchTimeoutMs: 120_000, dlqBatchTimeoutS: 1 })).toContain('longer than the dispatch lease');
    expect(deadLetterProblem({ maxRetries: 5, dispatchTimeoutMs: 120_000, dlqBatchTimeoutS: 1 })).toBeNull();
  });

  it('delays double from 2 s up to the cap; a test stack caps them lower, never higher', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((a) => retryDelaySeconds(a))).toEqual([2, 4, 8, 16, 30, 30, 30]);
    expect([1, 2, 3].map((a) => retryDelaySeconds(a, 1))).toEqual([1, 1, 1]);
    expect(maxDelayOf({})).toBe(30);
    expect(maxDelayOf({ QUEUE_RETRY_MAX_DELAY_S: '0' })).toBe(0);
    expect(maxDelayOf({ QUEUE_RETRY_MAX_DELAY_S: '1' })).toBe(1);
    expect(maxDelayOf({ QUEUE_RETRY_MAX_DELAY_S: '900' })).toBe(30);
    expect(maxDelayOf({ QUEUE_RETRY_MAX_DELAY_S: 'soon' })).toBe(30);
  });
});
