import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, edgeUrl, newOrg, waitForRun } from './client.ts';
import { expectedRecords } from './expected.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';

/**
 * Freshness targets and the retention sweep (ADR 0047) through real wrangler dev: the Cron Trigger is fired by
 * wrangler's own endpoint with a chosen tick time, so hours and days pass without waiting.
 */
const MIN = 60_000;
const DAY = 86_400_000;
type Err = { error: { code: string } };
type Freshness = { maxAgeMinutes: number; dataAt: number | null; fresh: boolean; dueAt: number; missedAt: number | null };

async function tick(time: number): Promise<void> {
  const res = await fetch(`${edgeUrl()}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${time}`);
  expect([res.status, await res.text()]).toEqual([200, 'ok']);
}
/** The Worker's JSON log lines with this message, from the shared edge log. */
function logLines(msg: string): Array<Record<string, unknown>> {
  return readFileSync(inject('edgeLogPath'), 'utf8').split('\n').filter((l) => l.startsWith('{') && l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
const admin = async (path: string, body: unknown) => {
  const res = await fetch(`${edgeUrl()}/internal/admin${path}`, { method: 'PUT', headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
};

describe('freshness targets and retention', () => {
  let fleet: FleetNode;
  const onePage = () => ({ ...demoJobSpec(inject('demoUrl')), pagination: undefined, artifacts: { trace: 'off', har: 'off', screenshots: 'final' } });
  const pageItems = () => expectedRecords(inject('demoUrl')).length / 3;
  beforeAll(async () => { fleet = await startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 }); });
  afterAll(async () => { await fleet?.stop(); });

  it('notifies freshness.missed once per miss, by the tick\'s clock, and again after fresh data went stale', async () => {
    const org = await newOrg('Freshness');
    const job = String((await api(org.key, 'POST', '/v1/jobs', { name: 'Hourly', spec: onePage() })).body.id);
    const bad = await api<Err>(org.key, 'PUT', `/v1/jobs/${job}/freshness`, { maxAgeMinutes: 1 });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_REQUEST']);
    const set = await api<{ freshness: Freshness }>(org.key, 'PUT', `/v1/jobs/${job}/freshness`, { maxAgeMinutes: 60 });
    expect(set.status).toBe(200);
    // No data yet: due one target after the target was set.
    const due = set.body.freshness.dueAt;
    expect([set.body.freshness.fresh, set.body.freshness.dataAt, set.body.freshness.missedAt]).toEqual([true, null, null]);
    const missed = () => logLines('freshness missed').filter((l) => l.jobId === job).length;
    const status = async () => (await api<{ data: Array<{ freshness: Freshness }> }>(org.key, 'GET', `/v1/status?jobs=${job}`)).body.data[0]!.freshness;

    await tick(due - MIN);
    expect([missed(), (await status()).missedAt]).toEqual([0, null]);
    await tick(due + MIN);
    await tick(due + 2 * MIN); // the same miss: nothing more
    expect([missed(), (await status()).missedAt]).toEqual([1, due + MIN]);

    const run = await waitForRun(org.key, String((await api(org.key, 'POST', `/v1/jobs/${job}/runs`)).body.id));
    expect([run.status, (run.counts as { items: number }).items]).toEqual(['succeeded', pageItems()]);
    const dataAt = Number(run.finishedAt);
    await tick(dataAt + MIN); // fresh data clears the miss
    expect(await status()).toEqual({ maxAgeMinutes: 60, dataAt, fresh: true, dueAt: dataAt + 60 * MIN, missedAt: null });
    await tick(dataAt + 61 * MIN);
    expect([missed(), (await status()).missedAt]).toEqual([2, dataAt + 61 * MIN]);
  });

  it('deletes results, logs, artifacts, attempts and coordinator storage past the organization\'s retention, and nothing inside it', async () => {
    const [short, long] = await Promise.all([newOrg('Retention 1 day'), newOrg('Retention default')]);
    await admin(`/orgs/${short.orgId}/settings`, { retentionDays: 1 });
    const runIn = async (org: typeof short) => {
      const job = String((await api(org.key, 'POST', '/v1/jobs', { name: 'r', spec: onePage() })).body.id);
      const done = await waitForRun(org.key, String((await api(org.key, 'POST', `/v1/jobs/${job}/runs`)).body.id));
      expect(done.status).toBe('succeeded');
      return { id: String(done.id), finishedAt: Number(done.finishedAt) };
    };
    const [s1, s2, l1] = [await runIn(short), await runIn(short), await runIn(long)];
    const window = `from=${s1.finishedAt - DAY}&to=${l1.finishedAt + DAY}`;
    const lines = async (key: string, id: string) => (await api(key, 'GET', `/v1/runs/${id}/results?format=jsonl`)).text.trim().split('\n').length;
    const attempts = async (key: string) => (await api<{ tasks: { attempts: number } }>(key, 'GET', `/v1/stats?${window}`)).body.tasks.attempts;
    const artifacts = async (key: string, id: string) => (await api<{ data: unknown[] }>(key, 'GET', `/v1/runs/${id}/artifacts`)).body.data.length;
    // Before: each run has its page's items, one attempt and one screenshot.
    for (const [org, r] of [[short, s1], [short, s2], [long, l1]] as const) expect([await lines(org.key, r.id), await artifacts(org.key, r.id)]).toEqual([pageItems(), 1]);
    expect([await attempts(short.key), await attempts(long.key)]).toEqual([2, 1]);
    const sweeps = () => logLines('retention sweep').length;
    const before = sweeps();

    await tick(s2.finishedAt + DAY - MIN); // inside the day: nothing
    expect(sweeps()).toBe(before);
    expect(await lines(short.key, s1.id)).toBe(pageItems());
    await tick(s2.finishedAt + 2 * DAY);
    // The sweep's report reaches the edge's log file through wrangler's output: on a loaded machine, after the tick's answer.
    await expect.poll(sweeps, { timeout: 15_000 }).toBeGreaterThan(before);
    const report = logLines('retention sweep').slice(before);
    expect(report.map(({ runs, objects, artifacts: a, taskAttempts, coordinators }) => ({ runs, objects, artifacts: a, taskAttempts, coordinators })))
      .toEqual([{ runs: 2, objects: 4, artifacts: 2, taskAttempts: 2, coordinators: 2 }]);
    for (const r of [s1, s2]) {
      for (const path of [`/v1/runs/${r.id}/results`, `/v1/runs/${r.id}/logs`, `/v1/runs/${r.id}/blocked`]) {
        const gone = await api<Err>(short.key, 'GET', path);
        expect([path, gone.status, gone.body.error.code]).toEqual([path, 410, 'RUN_EXPIRED']);
      }
      const row = await api(short.key, 'GET', `/v1/runs/${r.id}`);
      expect([row.status, row.body.status, row.body.expiredAt]).toEqual([200, 'succeeded', s2.finishedAt + 2 * DAY]);
      expect(await artifacts(short.key, r.id)).toBe(0);
    }
    expect(await attempts(short.key)).toBe(0);
    // The default retention (30 days) keeps the other organization's run whole.
    expect([await lines(long.key, l1.id), await artifacts(long.key, l1.id), await attempts(long.key)]).toEqual([pageItems(), 1, 1]);
    expect((await api(long.key, 'GET', `/v1/runs/${l1.id}/logs?after=1`)).status).toBe(200);
    await tick(s2.finishedAt + 2 * DAY + MIN); // a second tick finds nothing more
    expect(sweeps()).toBe(before + 1);
  });

  it('reports usage and its cost per organization and per job: runs, pages, browser-seconds and bytes stored', async () => {
    const org = await newOrg('Usage');
    const jobs = [String((await api(org.key, 'POST', '/v1/jobs', { name: 'u1', spec: onePage() })).body.id), String((await api(org.key, 'POST', '/v1/jobs', { name: 'u2', spec: { ...onePage(), pagination: { type: 'nextLink', selector: 'a.next' } } })).body.id)];
    const started = Date.now();
    const runs = [];
    for (const job of jobs) runs.push(await waitForRun(org.key, String((await api(org.key, 'POST', `/v1/jobs/${job}/runs`)).body.id)));
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    // Bytes stored: the results and log files as downloaded, and the artifacts as listed (one screenshot per page).
    const bytes = async (id: string) => {
      const files = await Promise.all([`/v1/runs/${id}/results?format=jsonl`, `/v1/runs/${id}/logs`].map(async (p) => Buffer.byteLength((await api(org.key, 'GET', p)).text)));
      const arts = (await api<{ data: Array<{ bytes: number }> }>(org.key, 'GET', `/v1/runs/${id}/artifacts`)).body.data;
      return files[0]! + files[1]! + arts.reduce((n, a) => n + a.bytes, 0);
    };
    const stored = [await bytes(String(runs[0]!.id)), await bytes(String(runs[1]!.id))];
    type Fig = { runs: number; pages: number; browserSeconds: number; bytesStored: number };
    type Cost = { currency: string; runs: number; pages: number; browser: number; storage: number; total: number };
    const report = await api<{ usage: Fig; cost: Cost; browserSessionSeconds: number; jobs: Array<{ jobId: string; usage: Fig; cost: Cost }> }>(org.key, 'GET', `/v1/usage?from=${started - MIN}&to=${Date.now() + MIN}`);
    expect(report.status).toBe(200);
    const byJob = Object.fromEntries(report.body.jobs.map((j) => [j.jobId, j]));
    // One page for u1, the catalog's three for u2; every page one attempt, so browser time is positive for each.
    expect([byJob[jobs[0]!]!.usage.runs, byJob[jobs[0]!]!.usage.pages, byJob[jobs[0]!]!.usage.bytesStored]).toEqual([1, 1, stored[0]]);
    expect([byJob[jobs[1]!]!.usage.runs, byJob[jobs[1]!]!.usage.pages, byJob[jobs[1]!]!.usage.bytesStored]).toEqual([1, 3, stored[1]]);
    for (const j of jobs) expect(byJob[j]!.usage.browserSeconds).toBeGreaterThan(0);
    const seconds = byJob[jobs[0]!]!.usage.browserSeconds + byJob[jobs[1]!]!.usage.browserSeconds;
    expect(report.body.usage).toEqual({ runs: 2, pages: 4, browserSeconds: seconds, bytesStored: stored[0]! + stored[1]! });
    expect(report.body.browserSessionSeconds).toBe(0);
    // The operator's prices (global-setup): 0.01 a run, 0.002 a page, 0.5 a browser hour, 0.02 a GB-month, in EUR.
    const r4 = (n: number) => Math.round(n * 10_000) / 10_000;
    expect(report.body.cost).toMatchObject({ currency: 'EUR', runs: 0.02, pages: 0.008, browser: r4((seconds / 3600) * 0.5), storage: r4(((stored[0]! + stored[1]!) / 1e9) * 0.02) });
    const one = await api<{ jobs: Array<{ jobId: string }> }>(org.key, 'GET', `/v1/usage?from=${started - MIN}&to=${Date.now() + MIN}&jobId=${jobs[1]}`);
    expect(one.body.jobs.map((j) => j.jobId)).toEqual([jobs[1]]);
    const other = await newOrg('Usage other');
    expect((await api<{ usage: Fig }>(other.key, 'GET', `/v1/usage?from=${started - MIN}&to=${Date.now() + MIN}`)).body.usage).toEqual({ runs: 0, pages: 0, browserSeconds: 0, bytesStored: 0 });
  });
});
