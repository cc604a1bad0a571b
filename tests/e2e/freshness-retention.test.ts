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
});
