import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { DATA } from '../../fixtures/src/data.ts';
import { fixtureJobs, type FixturePattern } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { followEvents, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

const base = () => inject('fixtureUrl');

/**
 * The fixture's in-page patterns (each a single task: the fleet clicks, scrolls or waits within the page) and its
 * look-alike successes, through the whole product: API, coordinator, queue, a real fleet node and Chromium.
 * Runs are independent, so the tests run concurrently against the one node.
 */
describe.concurrent('in-page patterns and look-alike pages end to end', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let jobs: ReturnType<typeof fixtureJobs>;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Page patterns'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 4 })]);
    jobs = fixtureJobs(base(), `page-patterns-${Date.now()}`);
  });
  afterAll(async () => { await fleet?.stop(); });

  const inPage: FixturePattern[] = ['jsNext', 'scroll', 'loadMore', 'tabs', 'spa', 'shadow', 'iframe', 'busy'];
  for (const name of inPage) {
    it(`${name} yields exactly its records, in page order, from one page`, async ({ expect }) => {
      const { spec, expected } = jobs[name];
      const r = await runJobToEnd(org.key, name, spec);
      // A retry's cause, for whoever reads a failure (the run has ended: its stream ends after the history).
      const why = r.run.counts.retries ? JSON.stringify((await followEvents(org.key, r.runId, 15_000)).filter((e) => e.type === 'task.failed' || e.type === 'task.retrying')) : '';
      expect(r.run, why).toMatchObject({ status: 'succeeded', error: null,
        counts: { pagesSucceeded: 1, pagesFailed: 0, pagesSoftFailed: 0, retries: 0, items: expected.length } });
      expect(r.items).toEqual(expected);
    });
  }

  it('without the skeleton wait, the SPA placeholders are not taken as items (EXTRACTION_EMPTY, soft)', async ({ expect }) => {
    // The real rows are held back for 30 s, so extraction certainly sees only the placeholders, however slow the machine.
    const r = await runJobToEnd(org.key, 'spa-no-wait', { ...jobs.spa.spec, startUrls: [`${base()}/spa?hold=30000`], actions: [],
      wait: { forItems: true, timeoutMs: 2000 }, retry: { maxAttempts: 1 } });
    expect(r.run).toMatchObject({ status: 'failed', error: { code: 'EXTRACTION_EMPTY' },
      counts: { pagesSucceeded: 0, pagesFailed: 1, pagesSoftFailed: 1, items: 0 } });
    expect(r.items).toEqual([]);
  });

  it('a retry policy without HTTP_5XX in its codes does not retry a 503', async ({ expect }) => {
    const flaky = fixtureJobs(base(), `nocodes-${Date.now()}`).flaky.spec;
    const r = await runJobToEnd(org.key, 'no-5xx-retry', { ...flaky, retry: { maxAttempts: 3, codes: ['RATE_LIMITED'] } });
    expect(r.run).toMatchObject({ status: 'failed', error: { code: 'HTTP_5XX' }, counts: { pagesSucceeded: 0, pagesFailed: 1, retries: 0, items: 0 } });
  });

  /** A one-page listing job for the look-alike pages; one attempt, so each soft failure is counted once. */
  const lookAlike = (path: string, extra: Record<string, unknown> = {}) => ({
    ...jobs.numbered.spec, startUrls: [`${base()}${path}`], pagination: undefined,
    wait: { forItems: true, timeoutMs: 1000 }, retry: { maxAttempts: 1 }, ...extra,
  });

  for (const [path, code] of [['/challenge', 'BLOCKED_BY_SITE'], ['/soft-404', 'HTTP_4XX'], ['/consent', 'EXTRACTION_EMPTY']] as const) {
    it(`${path} answers 200 but yields no items: ${code}, counted as a soft failure`, async ({ expect }) => {
      const r = await runJobToEnd(org.key, path, lookAlike(path));
      expect(r.run).toMatchObject({ status: 'failed', error: { code }, counts: { pagesSucceeded: 0, pagesFailed: 1, pagesSoftFailed: 1, items: 0 } });
      expect(r.items).toEqual([]);
    });
  }

  it('a dismiss rule clicks the consent overlay away and the content is extracted', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'consent-dismissed', lookAlike('/consent', { actions: [{ do: 'dismiss', selector: '#accept' }] }));
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1, pagesSoftFailed: 0, items: 2 } });
    // The overlay's rows show euro prices ("1.037,75 €"): the records are the fixture's own.
    expect(r.items).toEqual(DATA.numbered.slice(0, 2).map((x) => ({ sku: x.sku, name: x.name, price: x.price })));
  });

  it('an allowEmpty job still reports a challenge', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'challenge-allow-empty', lookAlike('/challenge', { allowEmpty: true }));
    expect(r.run).toMatchObject({ status: 'failed', error: { code: 'BLOCKED_BY_SITE' }, counts: { pagesSucceeded: 0, pagesSoftFailed: 1, items: 0 } });
  });
});
