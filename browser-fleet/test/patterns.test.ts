import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJobs, startFixtureSite, type FixturePattern, type FixtureSite } from '@trawl/fixtures';
import { BrowserPool } from '../src/pool.ts';
import { runJob } from './job-harness.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: FixtureSite;
let jobs: ReturnType<typeof fixtureJobs>;

beforeAll(async () => {
  [pool, site] = await Promise.all([
    startTestPool(),
    startFixtureSite(),
  ]);
  jobs = fixtureJobs(site.url, `fleet-${Date.now()}`);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

describe('every loading pattern yields exactly its expected records', () => {
  const patterns: FixturePattern[] = ['numbered', 'urlTemplate', 'jsNext', 'scroll', 'loadMore', 'tabs', 'spa', 'shadow', 'iframe', 'detail', 'busy',
    'spinnerMore', 'wavesNext', 'scrollBox', 'virtualGrid'];
  for (const name of patterns) {
    it(name, async () => {
      const { spec, expected } = jobs[name];
      const run = await runJob(spec, pool);
      expect(run.failures).toEqual([]);
      expect(run.items).toEqual(expected);
    });
  }
});

describe('retries', () => {
  it('a 429 is retried after Retry-After and then yields the records', async () => {
    const run = await runJob(jobs.rateLimited.spec, pool);
    expect(run.failures).toMatchObject([{ code: 'RATE_LIMITED', retryAfterMs: 1000 }]);
    expect(run.items).toEqual(jobs.rateLimited.expected);
  });

  it('flaky 503s are retried within maxAttempts', async () => {
    const run = await runJob(jobs.flaky.spec, pool);
    expect(run.failures.map((f) => f.code)).toEqual(['HTTP_5XX', 'HTTP_5XX']);
    expect(run.items).toEqual(jobs.flaky.expected);
  });

  it('a policy without 5xx in its codes does not retry them', async () => {
    const spec = { ...fixtureJobs(site.url, `nocodes-${Date.now()}`).flaky.spec, retry: { maxAttempts: 3, codes: ['RATE_LIMITED' as const] } };
    const run = await runJob(spec, pool);
    expect(run.failures.map((f) => f.code)).toEqual(['HTTP_5XX']);
    expect(run.items).toEqual([]);
  });
});

describe('wait rules are what make the tricky pages right', () => {
  it('without the skeleton wait, the SPA placeholders are not taken as items', async () => {
    // The real rows are held back for 30 s, so extraction certainly sees only the placeholders, however slow the machine.
    const run = await runJob({ ...jobs.spa.spec, startUrls: [`${site.url}/spa?hold=30000`], actions: [], wait: { forItems: true, timeoutMs: 2000 }, retry: { maxAttempts: 1 } }, pool);
    // Skeleton rows match the item selector but their required fields are empty: a soft failure, not empty items.
    expect(run.items).toEqual([]);
    expect(run.failures).toMatchObject([{ code: 'EXTRACTION_EMPTY', soft: true }]);
  });

  it('a login-gated page without a session is LOGIN_REQUIRED, not an empty success', async () => {
    const run = await runJob(jobs.login.spec, pool);
    expect(run.items).toEqual([]);
    expect(run.failures).toMatchObject([{ code: 'LOGIN_REQUIRED', soft: true }]);
  });
});
