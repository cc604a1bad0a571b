import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldJobs, startFixtureSite, type FixtureSite } from '@trawl/fixtures';
import { BrowserPool } from '../src/pool.ts';
import { runJob } from './job-harness.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: FixtureSite;
let jobs: ReturnType<typeof fieldJobs>;

beforeAll(async () => {
  [pool, site] = await Promise.all([startTestPool(), startFixtureSite()]);
  jobs = fieldJobs(site.url);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

/** The runner and Chromium on the field pages (ADR 0033); the e2e test runs the same jobs through the whole product. */
describe('fields from several tabs and by label', () => {
  it('panels in merge mode make one record from three tabs that empty each other', async () => {
    const run = await runJob(jobs.productTabs.spec, pool);
    expect(run.failures).toEqual([]);
    expect(run.items).toEqual(jobs.productTabs.expected);
  });

  it('panels in the default mode take each tab apart: no record has every field', async () => {
    const run = await runJob({ ...jobs.productTabs.spec, panels: { selector: 'role=tab', waitFor: '#panel > *' },
      fields: { ...jobs.productTabs.spec.fields, question: { selector: '#panel .q' } } }, pool);
    // dedupeKey sku keeps the first reading (the Specs tab): its reviews and Q&A are lost, which merge mode fixes.
    expect(run.items).toEqual([{ ...jobs.productTabs.expected[0], rating: null, reviews: null, question: null, answer: null }]);
  });

  it('label fields find their value whatever the markup and order; a missing row is null', async () => {
    const run = await runJob(jobs.labels.spec, pool);
    expect(run.failures).toEqual([]);
    expect(run.items).toEqual(jobs.labels.expected);
  });
});

describe('what a person sees', () => {
  it('the visible source reads CSS-drawn prices as shown and leaves hidden decoys out', async () => {
    const run = await runJob(jobs.drawnPrices.spec, pool);
    expect(run.failures).toEqual([]);
    expect(run.items).toEqual(jobs.drawnPrices.expected);
  });
});
