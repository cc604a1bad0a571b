import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Artifact, RunEvent } from '@trawl/schemas';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg, waitForRun } from './client.ts';

const DAY = 86_400_000;
interface Summary { count: number; mean: number | null; p50: number | null; p95: number | null }
interface Figures {
  runs: { finished: number; succeeded: number; byStatus: Record<string, number>; successRate: number | null };
  runDurationMs: Summary; taskDurationMs: Summary; tasks: { attempts: number; failed: number };
  failureCauses: Record<string, number>; itemsPerRun: { total: number; mean: number | null };
}
type Stats = Figures & { jobs: Array<Figures & { jobId: string }> };
type Org = Awaited<ReturnType<typeof newOrg>>;

async function admin(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${inject('edgeUrl')}/internal/admin${path}`, {
    method, headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function runJob(org: Org, jobId: string): Promise<Record<string, unknown>> {
  const run = await api(org.key, 'POST', `/v1/jobs/${jobId}/runs`);
  expect(run.status).toBe(201);
  return waitForRun(org.key, String(run.body.id));
}

async function job(org: Org, name: string, spec: Record<string, unknown>): Promise<string> {
  const res = await api(org.key, 'POST', '/v1/jobs', { name, spec });
  expect(res.status).toBe(201);
  return String(res.body.id);
}

const artifactsOf = async (org: Org, runId: string) => (await api<{ data: Artifact[] }>(org.key, 'GET', `/v1/runs/${runId}/artifacts`)).body.data;

/** Nearest-rank percentile, written again here so the test does not trust the edge's implementation. */
const rank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('stats and artifact lifetime', () => {
  let fleet: FleetNode;
  let a: Org;
  let b: Org;
  beforeAll(async () => {
    [a, b, fleet] = await Promise.all([newOrg('Stats A'), newOrg('Stats B'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await fleet?.stop(); });

  it('/v1/stats matches figures computed from the runs and their event logs', async () => {
    const demoUrl = inject('demoUrl');
    const from = Date.now();
    const good = await job(a, 'Good', { ...demoJobSpec(demoUrl), artifacts: { trace: 'off', har: 'off', screenshots: 'off' } });
    const bad = await job(a, 'Bad', { ...demoJobSpec(demoUrl), startUrls: [`${demoUrl}/status/404`, `${demoUrl}/empty.html`], retry: { maxAttempts: 2 }, wait: { forItems: true, timeoutMs: 500 } });
    const runs = [await runJob(a, good), await runJob(a, good), await runJob(a, bad)];
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    const to = Date.now() + 1;

    const logs = await Promise.all(runs.map(async (r) => (await api(a.key, 'GET', `/v1/runs/${String(r.id)}/logs`)).text.trim().split('\n').map((l) => JSON.parse(l) as RunEvent)));
    const all = logs.flat();
    const goodTaskMs = logs.slice(0, 2).flat().filter((e) => e.type === 'task.succeeded').map((e) => (e.data as { timings: { totalMs: number } }).timings.totalMs);
    const failures = all.filter((e) => e.type === 'task.failed' || e.type === 'task.retrying').map((e) => (e.data as { error: { code: string } }).error.code);
    const expectedCauses: Record<string, number> = {};
    for (const c of failures) expectedCauses[c] = (expectedCauses[c] ?? 0) + 1;
    const durations = runs.map((r) => Number(r.durationMs));

    const stats = await api<Stats>(a.key, 'GET', `/v1/stats?from=${from}&to=${to}`);
    expect(stats.status).toBe(200);
    const s = stats.body;
    expect(s.runs).toMatchObject({ finished: 3, succeeded: 2, byStatus: { succeeded: 2, failed: 1 } });
    expect(s.runs.successRate).toBeCloseTo(2 / 3, 10);
    expect(s.runDurationMs).toMatchObject({ count: 3, p50: rank(durations, 50), p95: rank(durations, 95) });
    expect(s.runDurationMs.mean).toBeCloseTo(mean(durations), 6);
    expect(s.failureCauses).toEqual(expectedCauses);
    expect(s.tasks.attempts).toBe(goodTaskMs.length + failures.length);
    expect(s.itemsPerRun).toMatchObject({ total: 120 });
    expect(s.itemsPerRun.mean).toBeCloseTo(40, 10);

    const goodStats = s.jobs.find((j) => j.jobId === good)!;
    expect(goodStats.runs.successRate).toBe(1);
    expect(goodStats.taskDurationMs).toMatchObject({ count: 6, p50: rank(goodTaskMs, 50), p95: rank(goodTaskMs, 95) });
    expect(goodStats.taskDurationMs.mean).toBeCloseTo(mean(goodTaskMs), 6);
    expect(s.jobs.find((j) => j.jobId === bad)?.runs.successRate).toBe(0);

    const onlyBad = await api<Stats>(a.key, 'GET', `/v1/stats?from=${from}&to=${to}&jobId=${bad}`);
    expect(onlyBad.body.runs).toMatchObject({ finished: 1, succeeded: 0 });
    // Another organization sees none of it.
    expect((await api<Stats>(b.key, 'GET', `/v1/stats?from=${from}&to=${to}`)).body.runs.finished).toBe(0);
  });

  it('the cleanup deletes exactly the artifacts past their organization\'s TTL, and the report counts bytes per org and kind', async () => {
    const demoUrl = inject('demoUrl');
    const spec = { ...demoJobSpec(demoUrl), startUrls: [`${demoUrl}/status/404`], artifacts: { trace: 'always', har: 'always', screenshots: 'on-failure' } };
    // A fresh organization, so its only artifacts are this test's.
    const c = await newOrg('Lifetime');
    const [jobA, jobB] = [await job(c, 'Fails C', spec), await job(b, 'Fails B', spec)];
    const first = await runJob(c, jobA);
    const second = await runJob(c, jobA);
    const other = await runJob(b, jobB);
    const [a1, a2, b1] = [await artifactsOf(c, String(first.id)), await artifactsOf(c, String(second.id)), await artifactsOf(b, String(other.id))];
    for (const list of [a1, a2, b1]) expect(list.map((x) => x.kind).sort()).toEqual(['har', 'screenshot', 'trace']);
    const beforeA = (await api<{ data: Array<{ kind: string; bytes: number }> }>(c.key, 'GET', '/v1/storage')).body.data;

    await admin('PUT', `/orgs/${c.orgId}/settings`, { artifactTtlDays: 1 });
    expect((await artifactsOf(c, String(first.id)))[0]!.expiresAt - a1[0]!.createdAt).toBe(DAY);
    // As of one day after the first run's last artifact: only that run's artifacts are past org A's TTL.
    const now = Math.max(...a1.map((x) => x.createdAt)) + DAY;
    expect(Math.min(...a2.map((x) => x.createdAt))).toBeGreaterThan(now - DAY);
    const done = await admin('POST', '/maintenance/artifacts', { now });
    expect(done.deleted).toBe(a1.length);
    expect(done.bytes).toBe(a1.reduce((n, x) => n + x.bytes, 0));

    expect(await artifactsOf(c, String(first.id))).toEqual([]);
    expect((await fetch(a1[0]!.url)).status).toBe(404);
    expect((await artifactsOf(c, String(second.id))).map((x) => x.id).sort()).toEqual(a2.map((x) => x.id).sort());
    expect((await artifactsOf(b, String(other.id))).map((x) => x.id).sort()).toEqual(b1.map((x) => x.id).sort());
    expect((await fetch(a2[0]!.url)).status).toBe(200);

    const afterA = (await api<{ data: Array<{ orgId: string; kind: string; bytes: number; objects: number }> }>(c.key, 'GET', '/v1/storage')).body.data;
    for (const kind of ['trace', 'har', 'screenshot']) {
      const removed = a1.filter((x) => x.kind === kind).reduce((n, x) => n + x.bytes, 0);
      expect(afterA.find((r) => r.kind === kind)?.bytes).toBe((beforeA.find((r) => r.kind === kind)?.bytes ?? 0) - removed);
    }
    expect(afterA.every((r) => r.orgId === c.orgId)).toBe(true);
  });
});
