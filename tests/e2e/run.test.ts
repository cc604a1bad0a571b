import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { expectedRecords } from './expected.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';
import { parseCsv } from './csv.ts';

const bySku = <T extends { sku: unknown }>(rows: T[]) => [...rows].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));

describe('a job runs end to end: API, coordinator, queue, fleet, Chromium', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('E2E'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await fleet?.stop(); });

  for (const variant of ['catalog', 'catalog-js'] as const) {
    it(`collects the 60 products of a 3-page ${variant} listing, streams events and serves JSONL, JSON and CSV`, async () => {
      const demoUrl = inject('demoUrl');
      const job = await api(org.key, 'POST', '/v1/jobs', { name: `Demo ${variant}`, spec: demoJobSpec(demoUrl, variant) });
      expect(job.status).toBe(201);
      const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
      expect(run.status).toBe(201);
      const runId = String(run.body.id);

      const events = await followEvents(org.key, runId);
      const types = events.map((e) => e.type);
      expect(types).toContain('run.started');
      expect(types.filter((t) => t === 'task.succeeded')).toHaveLength(3);
      expect(types).toContain('page.navigated');
      expect(types.at(-1)).toBe('run.finished');

      const done = await waitForRun(org.key, runId);
      expect(done.status).toBe('succeeded');
      expect(done.counts).toMatchObject({ pagesSucceeded: 3, pagesFailed: 0, items: 60 });
      expect(Number(done.durationMs)).toBeGreaterThan(0);

      const expected = bySku(expectedRecords(demoUrl));
      const jsonl = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
      expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
      const fromJsonl = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(fromJsonl).toHaveLength(60);
      expect(bySku(fromJsonl as Array<{ sku: unknown }>)).toEqual(expected);

      const json = await api<Array<Record<string, unknown>>>(org.key, 'GET', `/v1/runs/${runId}/results?format=json`);
      expect(bySku(json.body as Array<{ sku: unknown }>)).toEqual(expected);

      const csv = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=csv`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const [header, ...rows] = parseCsv(csv.text);
      expect(header).toEqual(['sku', 'name', 'price', 'category', 'url']);
      expect(rows).toHaveLength(60);
      const fromCsv = rows.map((r) => ({ sku: r[0], name: r[1], price: Number(r[2]), category: r[3], url: r[4] }));
      expect(bySku(fromCsv)).toEqual(expected);
    });
  }

  it('records a failing site\'s error code in the run without crashing anything', async () => {
    const demoUrl = inject('demoUrl');
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Broken', spec: {
      ...demoJobSpec(demoUrl), startUrls: [`${demoUrl}/status/404`, `${demoUrl}/status/503`, `${demoUrl}/empty.html`], retry: { maxAttempts: 2 },
      wait: { forItems: true, timeoutMs: 1500 },
    } });
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const done = await waitForRun(org.key, String(run.body.id));
    expect(done.status).toBe('failed');
    expect(done.counts).toMatchObject({ pagesFailed: 3, pagesSucceeded: 0, items: 0 });
    const events = await followEvents(org.key, String(run.body.id));
    const failed = events.filter((e) => e.type === 'task.failed').map((e) => (e.data as { error: { code: string; url: string; hint: string } }).error);
    expect(failed.map((f) => f.code).sort()).toEqual(['EXTRACTION_EMPTY', 'HTTP_4XX', 'HTTP_5XX']);
    for (const f of failed) expect(f.hint).toBeTruthy();
    // 503 and empty listings are retryable: they were attempted again; 404 was not.
    expect(events.filter((e) => e.type === 'task.retrying')).toHaveLength(2);
    expect((await fetch(`${inject('edgeUrl')}/health`)).status).toBe(200);
    expect((await fetch(`${fleet.url}/health`)).status).toBe(200);
  });
});
