import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DATA, SPIN_BATCH } from '../../fixtures/src/data.ts';
import { fixtureJobs } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg } from './client.ts';
import { runSavedJob } from './run-job.ts';

type Row = Record<string, unknown>;
const plain = (r: { sku: string; name: string; price: number }) => ({ sku: r.sku, name: r.name, price: r.price });
const stepsOf = (events: Array<{ type: string; data?: Row }>) => events.filter((e) => e.type === 'page.step').map((e) => e.data ?? {});

/**
 * Issue #10 §2/§7 and #12 §1 through the whole product (API, coordinator, queue, a fleet node, Chromium, the fixture
 * site): loading that keeps going until the content is all there, the steps in the run log and the preview, and the
 * warnings when it stopped early.
 */
describe('dynamic loading until the content is all there', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof fixtureJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Loading'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 3 })]);
    jobs = fixtureJobs(inject('fixtureUrl'), `loading-${Date.now()}`);
  });
  afterAll(async () => { await fleet?.stop(); });

  async function newJob(name: string, spec: unknown): Promise<string> {
    const job = await api(org.key, 'POST', '/v1/jobs', { name, spec });
    expect(job.status, job.text).toBe(201);
    return String(job.body.id);
  }

  async function runToEnd(jobId: string) {
    const r = await runSavedJob(org.key, jobId, 150_000);
    return { done: r.run, items: r.items, events: await followEvents(org.key, r.runId) };
  }

  it('load more replaced by a spinner and drawn again as a new element: all 5 batches, each click in the run log', async () => {
    const r = await runToEnd(await newJob('Spinner', jobs.spinnerMore.spec));
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, items: DATA.spin.length }, warnings: [] });
    expect(r.items).toEqual(jobs.spinnerMore.expected);
    const steps = stepsOf(r.events);
    const clicks = DATA.spin.length / SPIN_BATCH - 1;
    expect(steps.filter((s) => s.action === 'click').map((s) => s.clicks)).toEqual(Array.from({ length: clicks }, (_, i) => i + 1));
    expect(steps.at(-1)).toMatchObject({ end: true, step: 'loadMore', reason: 'done', controlVisible: false, steps: clicks, items: DATA.spin.length });
  });

  it('maxClicks reached while the control is still there: PAGINATION_UNFINISHED names the step, the items so far are kept', async () => {
    const spec = { ...jobs.spinnerMore.spec, pagination: { ...jobs.spinnerMore.spec.pagination, maxClicks: 2 } };
    const r = await runToEnd(await newJob('Spinner capped', spec));
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: 3 * SPIN_BATCH } });
    expect(r.items).toEqual(DATA.spin.slice(0, 3 * SPIN_BATCH).map(plain));
    const warnings = (r.done.warnings as Row[]).map(({ message: _m, ...w }) => w);
    expect(warnings).toEqual([{ code: 'PAGINATION_UNFINISHED', step: 'loadMore', selector: 'button.more', reason: 'maxClicks', count: 1 }]);
    expect(stepsOf(r.events).at(-1)).toMatchObject({ end: true, reason: 'maxClicks', controlVisible: true, steps: 2 });
  });

  it('a next button paged in waves, a scroll box, and a virtualised grid of 500 recycled rows give exactly their records', async () => {
    const [waves, box, grid] = await Promise.all([jobs.wavesNext, jobs.scrollBox, jobs.virtualGrid].map(async (j, i) => runToEnd(await newJob(`Loading ${i}`, j.spec))));
    expect(waves!.done).toMatchObject({ status: 'succeeded', warnings: [] });
    expect(waves!.items).toEqual(jobs.wavesNext.expected);
    expect(box!.done).toMatchObject({ status: 'succeeded', warnings: [] });
    expect(box!.items).toEqual(jobs.scrollBox.expected);
    expect(grid!.done).toMatchObject({ status: 'succeeded', counts: { items: DATA.virtual.length }, warnings: [] });
    expect(grid!.items).toEqual(jobs.virtualGrid.expected);
    const steps = stepsOf(grid!.events);
    expect(steps.at(-1)).toMatchObject({ end: true, step: 'infiniteScroll', reason: 'done', items: DATA.virtual.length });
    expect(steps.length).toBeLessThanOrEqual(61);
  });

  it('a list in a scroll box while the job scrolls the window: PAGINATION_UNFINISHED names the box', async () => {
    const spec = { ...jobs.scrollBox.spec, pagination: { type: 'infiniteScroll', idleMs: 400 } };
    const r = await runToEnd(await newJob('Unscrolled box', spec));
    expect(r.done).toMatchObject({ status: 'succeeded' });
    expect(r.items.length).toBeLessThan(DATA.scrollBox.length);
    expect(r.items).toEqual(DATA.scrollBox.slice(0, r.items.length).map(plain));
    expect((r.done.warnings as Row[]).map(({ message: _m, ...w }) => w)).toEqual([
      { code: 'PAGINATION_UNFINISHED', step: 'infiniteScroll', selector: '#box', reason: 'containerNotScrolled', count: 1 },
    ]);
  });

  it('the preview answers with the steps and says where loading stopped', async () => {
    const spec = { ...jobs.spinnerMore.spec, pagination: { ...jobs.spinnerMore.spec.pagination, maxClicks: 2 } };
    const res = await api(org.key, 'POST', '/v1/preview', { spec, screenshot: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'succeeded', itemCount: 3 * SPIN_BATCH });
    const steps = (res.body.steps as Array<{ message: string; data: Row }>).map((s) => s.data);
    expect(steps.filter((s) => s.action === 'click').map((s) => s.clicks)).toEqual([1, 2]);
    expect(steps.at(-1)).toMatchObject({ end: true, reason: 'maxClicks', controlVisible: true });
    expect(res.body.warnings).toEqual(['PAGINATION_UNFINISHED: loadMore stopped (maxClicks) while button.more was still visible and enabled']);
  });

  it('a run far below the job\'s last preview warns FEWER_ITEMS against the preview; a preview names only the org\'s own jobs', async () => {
    const jobId = await newJob('Against preview', jobs.spinnerMore.spec);
    const preview = await api(org.key, 'POST', '/v1/preview', { spec: jobs.spinnerMore.spec, screenshot: false, jobId });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.itemCount).toBe(DATA.spin.length);
    // The site did not change, but the job now stops after one click: 10 items where the preview's page had 25.
    const capped = { ...jobs.spinnerMore.spec, pagination: { ...jobs.spinnerMore.spec.pagination, maxClicks: 1 } };
    expect((await api(org.key, 'PATCH', `/v1/jobs/${jobId}`, { spec: capped })).status).toBe(200);
    const r = await runToEnd(jobId);
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: 2 * SPIN_BATCH } });
    expect((r.done.warnings as Row[]).map(({ message: _m, ...w }) => w)).toEqual([
      { code: 'PAGINATION_UNFINISHED', step: 'loadMore', selector: 'button.more', reason: 'maxClicks', count: 1 },
      { code: 'FEWER_ITEMS', reason: 'preview', count: 2 * SPIN_BATCH, previous: DATA.spin.length },
    ]);

    const other = await newOrg('Loading other');
    const foreign = await api(other.key, 'POST', '/v1/preview', { spec: jobs.spinnerMore.spec, screenshot: false, jobId });
    expect(foreign.status, foreign.text).toBe(404);
    expect((foreign.body.error as Row).code).toBe('NOT_FOUND');
  });
});
