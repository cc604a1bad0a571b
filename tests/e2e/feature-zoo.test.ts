import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { featureJobs } from '../../fixtures/src/feature-jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

/**
 * The job-spec features no loading pattern exercises, each on a fixture page of its group (/zoo/…) with exact
 * expected records, through the whole product: API, coordinator, queue, a real fleet node and Chromium.
 */
describe.concurrent('feature zoo end to end', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof featureJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Feature zoo'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 4 })]);
    jobs = featureJobs(inject('fixtureUrl'));
  });
  afterAll(async () => { await fleet?.stop(); });

  it('xpath=, //, text=, :has-text, all, nested fields, every source, const and context url/fetchedAt give exactly the records', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'fields', jobs.fields.spec);
    expect(r.run).toMatchObject({ status: 'succeeded', error: null, warnings: [],
      counts: { pagesSucceeded: 1, pagesFailed: 0, pagesSoftFailed: 0, items: jobs.fields.expected.length } });
    expect(r.items.map(({ seenAt: _, ...rest }) => rest)).toEqual(jobs.fields.expected);
    // fetchedAt is when the node read the page: an ISO time within the run, by the edge's clock and by the test's.
    for (const { seenAt } of r.items) {
      expect(seenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const t = Date.parse(String(seenAt));
      expect(t).toBeGreaterThanOrEqual(r.run.startedAt);
      expect(t).toBeLessThanOrEqual(r.run.finishedAt);
      expect(t).toBeGreaterThanOrEqual(r.window.from);
      expect(t).toBeLessThanOrEqual(r.window.to);
    }
  });

  it('fill, press (on a selector and on the focused element), select and optional clicks shape the list', async ({ expect }) => {
    const [onSelector, onFocus] = await Promise.all([runJobToEnd(org.key, 'form', jobs.form.spec), runJobToEnd(org.key, 'form-focused', jobs.formFocused.spec)]);
    for (const r of [onSelector, onFocus]) {
      expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, pagesFailed: 0, items: jobs.form.expected.length } });
      expect(r.items).toEqual(jobs.form.expected);
    }
  });

  it('a click that is not optional fails the page with SELECTOR_TIMEOUT when its element never comes', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'form-missing', jobs.formMissing.spec);
    expect(r.run).toMatchObject({ status: 'failed', error: { code: 'SELECTOR_TIMEOUT' }, counts: { pagesSucceeded: 0, pagesFailed: 1, items: 0 } });
    expect(r.items).toEqual([]);
  });

  it('maxPages stops the listing after its pages and counts the next link as skipped', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'max-pages', jobs.maxPages.spec);
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 2, pagesFailed: 0, items: jobs.maxPages.expected.length,
      skipped: { maxPages: 1, maxItems: 0, duplicate: 0 } } });
    expect(r.run.warnings).toEqual([{ code: 'URLS_SKIPPED', reason: 'maxPages', count: 1, message: '1 URL(s) found but not fetched: limits.maxPages was reached' }]);
    expect(r.items).toEqual(jobs.maxPages.expected);
  });

  it('maxItems keeps the first items, and skips the next page and the detail pages of items past it', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'max-items', jobs.maxItems.spec);
    // Two listing pages and one detail page per kept item; page 2's two other items and page 3 are skipped.
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 2 + 6, pagesFailed: 0, items: 6,
      skipped: { maxPages: 0, maxItems: 3, duplicate: 0 } } });
    expect(r.run.warnings).toEqual([{ code: 'URLS_SKIPPED', reason: 'maxItems', count: 3, message: '3 URL(s) found but not fetched: limits.maxItems was reached' }]);
    expect(r.items).toEqual(jobs.maxItems.expected);
  });
});
