import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { fixtureJobs } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

type Row = Record<string, unknown>;
const bySku = (rows: Row[]) => [...rows].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));

/** Job spec 1.0 through the whole product: API, coordinator, queue, a real fleet node and Chromium, the fixture site. */
describe('fixture patterns end to end', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof fixtureJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Patterns'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 4 })]);
    jobs = fixtureJobs(inject('fixtureUrl'), `e2e-${Date.now()}`);
  });
  afterAll(async () => { await fleet?.stop(); });

  async function runToEnd(name: string, spec: unknown) {
    const r = await runJobToEnd(org.key, name, spec);
    return { runId: r.runId, done: r.run, items: r.items };
  }

  it('numbered pagination and a URL template yield exactly the listing', async () => {
    const [byLink, byTemplate] = await Promise.all([runToEnd('Numbered', jobs.numbered.spec), runToEnd('Template', jobs.urlTemplate.spec)]);
    for (const r of [byLink, byTemplate]) {
      expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 3, pagesFailed: 0, items: 12, pagesSoftFailed: 0 } });
      expect(bySku(r.items)).toEqual(bySku(jobs.numbered.expected));
    }
  });

  it('detail pages fan out as tasks and their fields are merged into the listing items', async () => {
    const r = await runToEnd('Details', jobs.detail.spec);
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 6, items: 5 } });
    expect(bySku(r.items)).toEqual(bySku(jobs.detail.expected));
    const csv = await api(org.key, 'GET', `/v1/runs/${r.runId}/results?format=csv`);
    expect(csv.text.split(/\r?\n/)[0]).toBe('sku,name,price,url,description,stock');
  });

  it('a failed detail page leaves its item without the detail fields and records the error', async () => {
    const spec = { ...jobs.detail.spec, detail: { ...jobs.detail.spec.detail, fields: { description: { selector: '.nope', required: true } } },
      retry: { maxAttempts: 1 } };
    const r = await runToEnd('Broken details', spec);
    expect(r.done).toMatchObject({ status: 'partial', counts: { pagesSucceeded: 1, pagesFailed: 5, items: 5 } });
    expect(r.items.every((i) => !('description' in i))).toBe(true);
    const events = await followEvents(org.key, r.runId);
    const failed = events.filter((e) => e.type === 'task.failed').map((e) => (e.data as { error: { code: string; url: string; attempt: number } }).error);
    expect(failed).toHaveLength(5);
    for (const f of failed) expect(f).toMatchObject({ code: 'EXTRACTION_EMPTY', attempt: 1, url: expect.stringContaining('/detail/DTL-') });
  });

  it('429 with Retry-After and flaky 503s are retried per the job\'s policy, each error shown with code, hint, URL and attempt', async () => {
    const [limited, flaky] = await Promise.all([runToEnd('429', jobs.rateLimited.spec), runToEnd('503', jobs.flaky.spec)]);
    expect(limited.done).toMatchObject({ status: 'succeeded', counts: { retries: 1, items: 3 } });
    expect(bySku(limited.items)).toEqual(bySku(jobs.rateLimited.expected));
    expect(flaky.done).toMatchObject({ status: 'succeeded', counts: { retries: 2, items: 3 } });
    expect(bySku(flaky.items)).toEqual(bySku(jobs.flaky.expected));
    const events = await followEvents(org.key, limited.runId);
    const retry = events.find((e) => e.type === 'task.retrying');
    const error = (retry?.data as { error: Record<string, unknown>; retryAt: number } | undefined)?.error;
    expect(error).toMatchObject({ code: 'RATE_LIMITED', attempt: 1, retryAfterMs: 1000, url: expect.stringContaining('/rate-limited'), hint: expect.stringContaining('429') });
  });

  it('a login-gated page without a session is LOGIN_REQUIRED, counted apart from successes', async () => {
    const r = await runToEnd('Gated', jobs.login.spec);
    expect(r.done).toMatchObject({ status: 'failed', counts: { pagesSucceeded: 0, pagesFailed: 1, pagesSoftFailed: 1, items: 0 }, error: { code: 'LOGIN_REQUIRED' } });
  });

  it('POST /v1/jobs/validate answers OK with defaults and warnings, or INVALID_SPEC with every path', async () => {
    const ok = await api(org.key, 'POST', '/v1/jobs/validate', { spec: jobs.numbered.spec });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, spec: { concurrency: 2, retry: { maxAttempts: 3 } }, warnings: [] });
    const bad = await api(org.key, 'POST', '/v1/jobs/validate', { spec: { ...jobs.numbered.spec,
      fields: { p: { selector: '.p', process: [{ op: 'trim' }, { op: 'sparkle' }] }, q: { selector: 'role=[x' } },
      actions: [{ do: 'click' }], pagination: { type: 'urlTemplate', template: 'http://a/', to: 2 } } });
    expect(bad.status).toBe(400);
    const body = bad.body as { error: { code: string; details: { issues: Array<{ path: string }> } } };
    expect(body.error.code).toBe('INVALID_SPEC');
    expect(body.error.details.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['spec.fields.p.process.1.op', 'spec.fields.q.selector', 'spec.actions.0.selector', 'spec.pagination.template']));
  });

  it('POST /v1/preview runs a spec on one page: items, fill rates, warnings and a screenshot', async () => {
    const spec = { ...jobs.numbered.spec, fields: { ...jobs.numbered.spec.fields, rating: { selector: '.stars' } } };
    const res = await api(org.key, 'POST', '/v1/preview', { spec });
    expect(res.status, res.text).toBe(200);
    const p = res.body as { items: Row[]; itemCount: number; fillRates: Record<string, number>; warnings: string[]; screenshot: string; outcome: string; discovered: unknown[] };
    expect(p.outcome).toBe('succeeded');
    expect(p.items).toEqual(jobs.numbered.expected.slice(0, 5).map((r) => ({ ...r, rating: null })));
    expect(p.fillRates).toEqual({ sku: 1, name: 1, price: 1, rating: 0 });
    expect(p.warnings).toContain('rating: selector ".stars" matched 0 elements in 5 items');
    expect(Buffer.from(p.screenshot, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(p.discovered).toEqual([{ kind: 'page', url: `${inject('fixtureUrl')}/numbered/page-2` }]);

    const detail = await api(org.key, 'POST', '/v1/preview', { spec: jobs.detail.spec, part: 'detail', url: `${inject('fixtureUrl')}/detail/DTL-02`, screenshot: false });
    expect(detail.body).toMatchObject({ outcome: 'succeeded', items: [{ description: 'The long description of DTL-02.', stock: 14 }], screenshot: null });
    const gated = await api(org.key, 'POST', '/v1/preview', { spec: jobs.login.spec, screenshot: false });
    expect(gated.body).toMatchObject({ outcome: 'failed', error: { code: 'LOGIN_REQUIRED' }, items: [] });
  });
});
