import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task, TaskResult } from '@trawl/schemas';
import { EdgeClient } from '../src/edge-client.ts';
import { silentLogger } from '../src/log.ts';
import { ResultPoster } from '../src/result-poster.ts';
import { makeTask } from './fixtures.ts';
import { startRecordingEdge, type RecordingEdge } from './recording-edge.ts';

const SECRET = 'result-poster-secret-0123456789';
const resultOf = (t: Task): TaskResult => ({ leaseToken: t.leaseToken, attempt: 1, nodeId: 'nod_test', outcome: 'succeeded', items: [{ sku: t.taskId }], discovered: [], timings: { totalMs: 1 }, acceptNext: true });
const NEXT = { body: '{"a":1}', headers: { 'x-trawl-signature': 'sig' } };

describe('ResultPoster (ADR 0061): results that finish together share a request, each answered as the single route would', () => {
  let edge: RecordingEdge;
  let poster: ResultPoster;
  beforeEach(async () => {
    edge = await startRecordingEdge(SECRET);
    const client = new EdgeClient(SECRET, 'nod_test', silentLogger);
    poster = new ResultPoster({ single: (t, r, until) => client.result(t, r, until), batch: (u, runId, b, until) => client.results(u, runId, b, until), log: silentLogger });
  });
  afterEach(async () => { await edge.close(); });
  const task = (runId = 'run_a') => makeTask('http://127.0.0.1:9/p', { runId, edgeUrl: edge.url });

  it('a lone result goes alone at once; those finished while it was on its way go in one signed batch per run', async () => {
    const [a, b, c, d] = [task(), task(), task(), task()];
    const other = task('run_b');
    edge.answerOnce.set('results', { answers: [
      { taskId: b.taskId, status: 'applied', next: NEXT }, { taskId: c.taskId, status: 'duplicate' }, { taskId: d.taskId, status: 'lease-lost' },
    ] });
    const answers = await Promise.all([a, b, c, d, other].map((t) => poster.post(t, resultOf(t), Date.now() + 5000)));
    expect(edge.calls.map((r) => r.path).sort()).toEqual([
      `/internal/runs/run_a/results`, `/internal/runs/run_a/tasks/${a.taskId}/result`, `/internal/runs/run_b/tasks/${other.taskId}/result`,
    ]);
    const batch = edge.calls.find((r) => r.kind === 'results')!;
    expect(batch.signature).toBeNull();
    expect(batch.body).toEqual({ v: 1, results: [b, c, d].map((t) => ({ taskId: t.taskId, result: resultOf(t) })) });
    expect(answers).toEqual([
      { kind: 'ok', body: { ok: true } },
      { kind: 'ok', body: { ok: true, duplicate: false, next: NEXT } },
      { kind: 'ok', body: { ok: true, duplicate: true } },
      { kind: 'gone', status: 409 },
      { kind: 'ok', body: { ok: true } },
    ]);
  });

  it('an edge without the batch route (404) gets the batch\'s results one by one, and every later result alone', async () => {
    edge.statusFor.set('results', 404);
    const first = [task(), task(), task()];
    const answers = await Promise.all(first.map((t) => poster.post(t, resultOf(t), Date.now() + 5000)));
    expect(answers).toEqual(first.map(() => ({ kind: 'ok', body: { ok: true } })));
    const later = [task(), task(), task()];
    await Promise.all(later.map((t) => poster.post(t, resultOf(t), Date.now() + 5000)));
    expect(edge.calls.filter((r) => r.kind === 'results')).toHaveLength(1);
    expect(edge.calls.filter((r) => r.kind === 'result').map((r) => r.path).sort()).toEqual([...first, ...later].map((t) => `/internal/runs/run_a/tasks/${t.taskId}/result`).sort());
  });

  it('a batch the edge could not take (5xx past the retry time) is reported undelivered for every entry, none dropped silently', async () => {
    edge.statusFor.set('results', 503);
    const ts = [task(), task(), task()];
    const answers = await Promise.all(ts.map((t) => poster.post(t, resultOf(t), Date.now())));
    expect(answers).toEqual([{ kind: 'ok', body: { ok: true } }, { kind: 'retry', reason: 'HTTP 503' }, { kind: 'retry', reason: 'HTTP 503' }]);
  });
});
