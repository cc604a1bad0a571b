import { RESULT_BATCH_MAX, RESULT_BATCH_VERSION, ResultBatchAnswer, type ResultBatch, type ResultEntryAnswer, type Task, type TaskResult } from '@trawl/schemas';
import type { EdgeAnswer } from './edge-client.ts';
import type { Logger } from './log.ts';

export interface PosterDeps {
  /** One result alone (the edge's single result route, retried until `until`). */
  single: (task: Task, result: TaskResult, until: number) => Promise<EdgeAnswer>;
  /** Several results of one run in one request (retried until `until`). */
  batch: (edgeUrl: string, runId: string, batch: ResultBatch, until: number) => Promise<EdgeAnswer>;
  log: Logger;
  maxBatch?: number;
}

interface Pending { task: Task; result: TaskResult; until: number; resolve: (a: EdgeAnswer) => void }

/**
 * Posts a node's results per run with no added wait (ADR 0061): a result goes out at once when nothing of its run
 * is on the way; results that finish meanwhile wait for that post's answer and then go together, in one request
 * whose answer hands back a next task per result that asked. A lone result takes the single route, exactly as
 * before. Each entry's answer reads as the single route's would (ok with `duplicate`/`next`, gone 409/404), so the
 * task session does not know which way its result went. An edge without the batch route (404) or that refuses its
 * version (400) gets the results one by one from then on.
 */
export class ResultPoster {
  readonly #queues = new Map<string, Pending[]>();
  readonly #sending = new Set<string>();
  readonly #singleOnly = new Set<string>();

  constructor(private readonly deps: PosterDeps) {}

  post(task: Task, result: TaskResult, until: number): Promise<EdgeAnswer> {
    if (this.#singleOnly.has(task.edgeUrl)) return this.deps.single(task, result, until);
    const key = `${task.edgeUrl} ${task.runId}`;
    return new Promise((resolve) => {
      const queue = this.#queues.get(key) ?? [];
      queue.push({ task, result, until, resolve });
      this.#queues.set(key, queue);
      if (!this.#sending.has(key)) void this.#drain(key);
    });
  }

  async #drain(key: string): Promise<void> {
    this.#sending.add(key);
    try {
      for (let queue = this.#queues.get(key); queue?.length; queue = this.#queues.get(key)) {
        await this.#send(queue.splice(0, this.deps.maxBatch ?? RESULT_BATCH_MAX));
      }
    } finally {
      this.#sending.delete(key);
      if (!this.#queues.get(key)?.length) this.#queues.delete(key);
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    const [first] = batch;
    if (!first) return;
    if (batch.length === 1 || this.#singleOnly.has(first.task.edgeUrl)) {
      await this.#singly(batch);
      return;
    }
    const until = Math.max(...batch.map((p) => p.until));
    const answer = await this.deps.batch(first.task.edgeUrl, first.task.runId,
      { v: RESULT_BATCH_VERSION, results: batch.map((p) => ({ taskId: p.task.taskId, result: p.result })) }, until);
    if ((answer.kind === 'gone' && answer.status === 404) || (answer.kind === 'rejected' && answer.status === 400)) {
      this.deps.log.warn('the edge takes no result batches; posting results one by one', { edgeUrl: first.task.edgeUrl, status: answer.status });
      this.#singleOnly.add(first.task.edgeUrl);
      await this.#singly(batch);
      return;
    }
    const parsed = answer.kind === 'ok' ? ResultBatchAnswer.safeParse(answer.body) : null;
    if (parsed && !parsed.success) {
      this.deps.log.error('the edge answered a result batch with something else; posting them one by one', { edgeUrl: first.task.edgeUrl });
      await this.#singly(batch);
      return;
    }
    batch.forEach((p, i) => p.resolve(parsed?.success ? entryAnswer(parsed.data.answers[i], p.task.taskId) : answer));
  }

  async #singly(batch: Pending[]): Promise<void> {
    await Promise.all(batch.map(async (p) => p.resolve(await this.deps.single(p.task, p.result, p.until))));
  }
}

/** An entry's answer as the single result route would have given it. */
export function entryAnswer(a: ResultEntryAnswer | undefined, taskId: string): EdgeAnswer {
  if (!a || a.taskId !== taskId) return { kind: 'rejected', status: 502, body: `the batch answer has no entry for ${taskId}` };
  if (a.status === 'lease-lost') return { kind: 'gone', status: 409 };
  if (a.status === 'not-found') return { kind: 'gone', status: 404 };
  return { kind: 'ok', body: { ok: true, duplicate: a.status === 'duplicate', ...(a.next ? { next: a.next } : {}) } };
}
