/** A minimal client for Trawl's HTTP API and the run events WebSocket (the benchmark's view is a customer's). */
import type { JobSpecInput, Run, RunEvent } from '@trawl/schemas';

export class Api {
  constructor(readonly edgeUrl: string, readonly key: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.edgeUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
    return (text && !text.startsWith('{') && !text.startsWith('[') ? text : JSON.parse(text)) as T;
  }

  createJob(name: string, spec: JobSpecInput): Promise<{ id: string }> {
    return this.call('POST', '/v1/jobs', { name, spec });
  }

  startRun(jobId: string): Promise<Run> {
    return this.call('POST', `/v1/jobs/${jobId}/runs`);
  }

  getRun(runId: string): Promise<Run> {
    return this.call('GET', `/v1/runs/${runId}`);
  }

  async results(runId: string): Promise<Array<Record<string, unknown>>> {
    let res = await fetch(`${this.edgeUrl}/v1/runs/${runId}/results?format=jsonl`, { headers: { authorization: `Bearer ${this.key}` } });
    // The coordinator reports the end a moment before the results file and the runs row are written.
    for (let i = 0; res.status === 409 && i < 100; i++) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 200));
      res = await fetch(`${this.edgeUrl}/v1/runs/${runId}/results?format=jsonl`, { headers: { authorization: `Bearer ${this.key}` } });
    }
    if (!res.ok) throw new Error(`results of ${runId}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
    return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /**
   * Waits for the run's final status by polling GET /v1/runs/{id} (every `everyMs`), then reads its
   * event log (GET /v1/runs/{id}/logs, JSON lines) and its results once they are persisted.
   * (The events WebSocket would do as well; see the README for why the benchmark polls.)
   */
  async waitForEnd(runId: string, timeoutMs: number, everyMs = 2000): Promise<Run> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.getRun(runId);
      if (!['queued', 'running'].includes(run.status)) return run;
      if (Date.now() > until) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run.counts)}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  async events(runId: string): Promise<RunEvent[]> {
    const res = await fetch(`${this.edgeUrl}/v1/runs/${runId}/logs`, { headers: { authorization: `Bearer ${this.key}` } });
    if (!res.ok) throw new Error(`logs of ${runId}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
    return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
  }
}

export async function health(edgeUrl: string): Promise<{ fleet: { nodes: number; freeSlots: number } }> {
  const res = await fetch(`${edgeUrl}/health`);
  return (await res.json()) as { fleet: { nodes: number; freeSlots: number } };
}
