import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Insight, RunEvent } from '@trawl/schemas';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg, waitForRun } from './client.ts';

const HOUR = 3_600_000;
type Org = Awaited<ReturnType<typeof newOrg>>;
/** Nearest-rank percentile and mean, written again here so the test does not trust the edge's implementation. */
const rank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function job(org: Org, name: string, spec: Record<string, unknown>): Promise<string> {
  const res = await api(org.key, 'POST', '/v1/jobs', { name, spec });
  expect(res.status).toBe(201);
  return String(res.body.id);
}
async function runJob(org: Org, jobId: string): Promise<Record<string, unknown>> {
  const run = await api(org.key, 'POST', `/v1/jobs/${jobId}/runs`);
  expect(run.status).toBe(201);
  return waitForRun(org.key, String(run.body.id));
}

describe('GET /v1/insight: figures over time', () => {
  let fleet: FleetNode;
  let a: Org;
  let b: Org;
  beforeAll(async () => {
    [a, b, fleet] = await Promise.all([newOrg('Insight A'), newOrg('Insight B'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await fleet?.stop(); });

  it('puts each run in its hour and matches figures computed from the runs and their event logs', async () => {
    const demoUrl = inject('demoUrl');
    const good = await job(a, 'Good', { ...demoJobSpec(demoUrl), artifacts: { trace: 'off', har: 'off', screenshots: 'off' } });
    const bad = await job(a, 'Bad', { ...demoJobSpec(demoUrl), startUrls: [`${demoUrl}/status/404`, `${demoUrl}/empty.html`], retry: { maxAttempts: 2 }, wait: { forItems: true, timeoutMs: 500 } });
    const [g1, g2, b1] = [await runJob(a, good), await runJob(a, good), await runJob(a, bad)];
    expect([g1.status, g2.status, b1.status]).toEqual(['succeeded', 'succeeded', 'failed']);
    // Buckets start at `from`: the bad run opens the second hour, the two good runs (made before it) fall in the first.
    const from = Number(b1.createdAt) - HOUR;
    const badEvents = (await api(a.key, 'GET', `/v1/runs/${String(b1.id)}/logs`)).text.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    const causes: Record<string, number> = {};
    for (const e of badEvents) if (e.type === 'task.failed' || e.type === 'task.retrying') { const c = (e.data as { error: { code: string } }).error.code; causes[c] = (causes[c] ?? 0) + 1; }
    expect(Object.keys(causes).sort()).toEqual(['EXTRACTION_EMPTY', 'HTTP_4XX']);

    const res = await api<Insight>(a.key, 'GET', `/v1/insight?from=${from}&to=${from + 2 * HOUR}&bucket=hour`);
    expect(res.status).toBe(200);
    const [first, second] = res.body.series;
    expect(res.body).toMatchObject({ from, to: from + 2 * HOUR, bucket: 'hour', bucketMs: HOUR, jobId: null });
    expect(res.body.series).toHaveLength(2);
    const goodMs = [Number(g1.durationMs), Number(g2.durationMs)];
    // The demo catalogue has 60 products (3 pages of 20); the bad job finds none.
    expect(first).toEqual({
      from, to: from + HOUR, runs: { finished: 2, succeeded: 2, successRate: 1 },
      runDurationMs: { count: 2, mean: mean(goodMs), p95: rank(goodMs, 95) }, failureCauses: {}, itemsPerRun: { total: 120, mean: 60 },
    });
    expect(second).toEqual({
      from: from + HOUR, to: from + 2 * HOUR, runs: { finished: 1, succeeded: 0, successRate: 0 },
      runDurationMs: { count: 1, mean: Number(b1.durationMs), p95: Number(b1.durationMs) }, failureCauses: causes, itemsPerRun: { total: 0, mean: 0 },
    });

    // One job: the good job's runs only.
    const one = await api<Insight>(a.key, 'GET', `/v1/insight?from=${from}&to=${from + 2 * HOUR}&bucket=hour&jobId=${good}`);
    expect(one.body.jobId).toBe(good);
    expect(one.body.series.map((p) => p.runs.finished)).toEqual([2, 0]);
    expect(one.body.series[1]?.failureCauses).toEqual({});
    // Another organization sees none of it.
    const other = await api<Insight>(b.key, 'GET', `/v1/insight?from=${from}&to=${from + 2 * HOUR}&bucket=hour`);
    expect(other.body.series.map((p) => p.runs.finished)).toEqual([0, 0]);
    expect(other.body.series.map((p) => p.failureCauses)).toEqual([{}, {}]);
  });

  it('refuses a window upside down, too many buckets and an unknown bucket with 400 INVALID_REQUEST', async () => {
    const now = Date.now();
    for (const query of [`from=${now}&to=${now}`, `from=${now - 401 * HOUR}&to=${now}&bucket=hour`, 'bucket=minute']) {
      const res = await api<{ error: { code: string; hint: string } }>(a.key, 'GET', `/v1/insight?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('INVALID_REQUEST');
    }
    // 400 hourly buckets is the most one answer holds.
    const most = await api<Insight>(a.key, 'GET', `/v1/insight?from=${now - 400 * HOUR}&to=${now}&bucket=hour`);
    expect(most.status).toBe(200);
    expect(most.body.series).toHaveLength(400);
  });
});
