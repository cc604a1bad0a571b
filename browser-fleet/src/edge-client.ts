import {
  edgeInternalPaths, signRequest,
  type NodeHeartbeat, type ResultBatch, type RunEventInput, type StorageState, type Task, type TaskResult,
} from '@trawl/schemas';
import { messageOf, type Logger } from './log.ts';

/**
 * How an edge call ended. 'gone' is 409 (lease lost, stale) or 404 (unknown task): the task is
 * no longer ours, so the node drops it. 'retry' is a network error, a timeout or a 5xx.
 */
export type EdgeAnswer =
  | { kind: 'ok'; body: unknown }
  | { kind: 'gone'; status: number }
  | { kind: 'rejected'; status: number; body: string }
  | { kind: 'retry'; reason: string };

const CALL_TIMEOUT_MS = 5000;

/** Signed calls from this node to the edge (HMAC over method, path and body with FLEET_SECRET). */
export class EdgeClient {
  constructor(
    private readonly secret: string,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  call(baseUrl: string, path: string, payload: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<EdgeAnswer> {
    return this.send('POST', baseUrl, path, JSON.stringify(payload), { 'content-type': 'application/json' }, timeoutMs);
  }

  /** A signed request with any body (artifact uploads send raw bytes with PUT). */
  async send(method: string, baseUrl: string, path: string, body: string | Uint8Array, extra: Record<string, string>, timeoutMs = CALL_TIMEOUT_MS): Promise<EdgeAnswer> {
    let res: Response;
    try {
      const url = new URL(path, baseUrl);
      // Sign the path the edge will see (its base URL may carry no prefix; the pathname is what counts).
      const headers = { ...extra, ...(await signRequest(this.secret, method, url.pathname, body)) };
      res = await fetch(url, { method, headers, body: body as BodyInit, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      return { kind: 'retry', reason: messageOf(e) };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return { kind: 'ok', body: parseJson(text) };
    if (res.status === 409 || res.status === 404) return { kind: 'gone', status: res.status };
    if (res.status >= 500 || res.status === 429) return { kind: 'retry', reason: `HTTP ${res.status}` };
    return { kind: 'rejected', status: res.status, body: text.slice(0, 500) };
  }

  heartbeat(edgeUrl: string, hb: NodeHeartbeat): Promise<EdgeAnswer> {
    return this.call(edgeUrl, edgeInternalPaths.heartbeat, hb);
  }

  /** `ahead`: this node would hold the run's next browser task while this page runs (ADR 0069). */
  taskStart(task: Task, ahead = false): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskStart(task.runId, task.taskId), { ...this.#lease(task), ...(ahead ? { ahead } : {}) });
  }

  leaseHeartbeat(task: Task): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskHeartbeat(task.runId, task.taskId), this.#lease(task));
  }

  events(task: Task, events: RunEventInput[]): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskEvents(task.runId, task.taskId), { leaseToken: task.leaseToken, events });
  }

  release(task: Task, reason: string): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskRelease(task.runId, task.taskId), { ...this.#lease(task), reason });
  }

  /**
   * Posts a result, retrying network errors and 5xx with capped exponential backoff until
   * `until` (the task deadline plus a grace period): a finished page is worth delivering,
   * and the coordinator applies repeats idempotently.
   */
  result(task: Task, result: TaskResult, until: number, signal?: AbortSignal): Promise<EdgeAnswer> {
    return this.#retrying(task.edgeUrl, edgeInternalPaths.taskResult(task.runId, task.taskId), result, until, { runId: task.runId, taskId: task.taskId }, signal);
  }

  /** Several results of one run in one request (ADR 0061), retried as one result is: each entry is applied idempotently. */
  results(edgeUrl: string, runId: string, batch: ResultBatch, until: number): Promise<EdgeAnswer> {
    return this.#retrying(edgeUrl, edgeInternalPaths.runResults(runId), batch, until, { runId, results: batch.results.length });
  }

  async #retrying(baseUrl: string, path: string, payload: unknown, until: number, what: Record<string, unknown>, signal?: AbortSignal): Promise<EdgeAnswer> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.call(baseUrl, path, payload);
      if (answer.kind !== 'retry') return answer;
      const wait = Math.min(5000, 200 * 2 ** attempt) * (0.75 + Math.random() / 2);
      if (Date.now() + wait > until || signal?.aborted) return answer;
      this.log.warn('posting the result failed; retrying', { ...what, reason: answer.reason, attempt });
      await sleep(wait, signal);
    }
  }

  /** The job's stored login, decrypted, for this task's lease (see ADR 0006). */
  loginSession(task: Task): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskLogin(task.runId, task.taskId), this.#lease(task));
  }

  /** The job's upstream proxies, credentials included, for this task's lease (ADR 0035). */
  taskProxies(task: Task): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskProxies(task.runId, task.taskId), this.#lease(task));
  }

  /** The storage state the previous page of a kept-session chain left, for this task's lease (ADR 0041). */
  taskSession(task: Task): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskSession(task.runId, task.taskId), this.#lease(task));
  }

  saveLoginState(task: Task, storageState: StorageState): Promise<EdgeAnswer> {
    return this.call(task.edgeUrl, edgeInternalPaths.taskLoginState(task.runId, task.taskId), { leaseToken: task.leaseToken, storageState });
  }

  #lease(task: Task): { leaseToken: string; nodeId: string } {
    return { leaseToken: task.leaseToken, nodeId: this.nodeId };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
