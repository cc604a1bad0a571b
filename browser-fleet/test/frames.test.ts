import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAME_ROWS, fixtureJobs, startFixtureSite, type FixtureSite } from '@trawl/fixtures';
import { BrowserPool } from '../src/pool.ts';
import { runJob } from './job-harness.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: FixtureSite;
let jobs: ReturnType<typeof fixtureJobs>;

beforeAll(async () => {
  [pool, site] = await Promise.all([startTestPool(), startFixtureSite()]);
  jobs = fixtureJobs(site.url, `frames-${Date.now()}`);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

/** Issue #12 §4 and §6 through the real runner and Chromium. */
describe('actions inside frames', () => {
  it('a consent wall and a search form in same-origin iframes: dismissed, filled, submitted, read with computed fields', async () => {
    const run = await runJob(jobs.frameForm.spec, pool);
    expect(run.failures).toEqual([]);
    expect(run.items).toEqual(jobs.frameForm.expected);
    expect(run.items.map((i) => i.sku)).toEqual(FRAME_ROWS.map((r) => r.sku));
  });

  it('with an expression that walks lists the page is post-processed in the budgeted worker: same records, same zone', async () => {
    const spec = { ...jobs.frameForm.spec, fields: { ...jobs.frameForm.spec.fields, first: { compute: '[sku].exists(x, x == "FRM-01")' } } };
    const run = await runJob(spec, pool);
    expect(run.failures).toEqual([]);
    expect(run.items).toEqual(jobs.frameForm.expected.map((e) => ({ ...e, first: e.sku === 'FRM-01' })));
  });

  it('a click on an element the wall iframe covers fails with ACTION_BLOCKED naming the step and the frame, not a bare timeout', async () => {
    const spec = { ...jobs.frameForm.spec, retry: { maxAttempts: 1 },
      actions: [{ do: 'dismiss' as const, selector: '#accept', timeoutMs: 300 }, { do: 'click' as const, selector: 'h1', timeoutMs: 1500 }] };
    const run = await runJob(spec, pool);
    expect(run.items).toEqual([]);
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatchObject({ code: 'ACTION_BLOCKED', step: 'actions' });
    expect(run.failures[0]!.message).toBe('rule 2 (click) could not act: its element is covered by <iframe#wall>; if the step\'s element is inside that iframe, give the step "frame": "iframe#wall"');
  });

  it('a step without frame does not reach into an iframe: the form inside one is a SELECTOR_TIMEOUT', async () => {
    const spec = { ...jobs.frameForm.spec, retry: { maxAttempts: 1 },
      actions: [{ do: 'dismiss' as const, frame: '#wall', selector: '#accept', timeoutMs: 5000 }, { do: 'fill' as const, selector: 'input[name=q]', value: 'frames', timeoutMs: 1000 }] };
    const run = await runJob(spec, pool);
    expect(run.failures).toMatchObject([{ code: 'SELECTOR_TIMEOUT', step: 'actions' }]);
  });
});
