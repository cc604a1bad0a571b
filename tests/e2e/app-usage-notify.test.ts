import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Artifact } from '@trawl/schemas';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn } from './app-helpers.ts';

type Kind = 'trace' | 'har' | 'screenshot';
interface KindSavings { stored: { count: number; bytes: number }; uncompressedBytes: number; compressionSaved: number; skippedBySampling: { count: number; estimatedBytes: number | null } }

async function runToEnd(page: Page, jobId: string): Promise<Record<string, unknown>> {
  const run = await pageApi(page, 'POST', `/v1/jobs/${jobId}/runs`);
  expect(run.status).toBe(201);
  for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 300))) {
    const r = await pageApi(page, 'GET', `/v1/runs/${String(run.body.id)}`);
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(String(r.body.status))) return r.body;
  }
  throw new Error('run did not end');
}

/** Issue #14 (ADR 0055): the usage report shows what compression and sampling save, and the app's Usage screen shows it. */
describe('usage: what artifact choices save, and the Usage screen', () => {
  let browser: Browser;
  let fleet: FleetNode;
  beforeAll(async () => {
    [browser, fleet] = await Promise.all([launchChromium(), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await Promise.all([browser?.close(), fleet?.stop()]); });

  it('counts stored and skipped artifacts, measures compression, and the screen shows the figures in Korean', async () => {
    const { page } = await signIn(browser, `usage-${Date.now().toString(36)}`);
    const demo = inject('demoUrl');
    const started = Date.now();
    // Succeeds on every page at its first attempt: the on-retry trace and the on-failure screenshot are skipped, each HAR kept (gzip).
    const ok = await pageApi(page, 'POST', '/v1/jobs', { name: 'Catalog', spec: { ...demoJobSpec(demo), retry: { maxAttempts: 2 }, artifacts: { trace: 'on-retry', har: 'always', screenshots: 'on-failure' } } });
    // Fails its only attempt: trace, HAR and screenshot kept.
    const bad = await pageApi(page, 'POST', '/v1/jobs', { name: 'Always fails', spec: {
      ...demoJobSpec(demo), wait: { selector: '#never-there', timeoutMs: 800 }, retry: { maxAttempts: 1 }, artifacts: { trace: 'always', har: 'always', screenshots: 'on-failure' },
    } });
    expect([ok.status, bad.status]).toEqual([201, 201]);
    const [okRun, badRun] = await Promise.all([runToEnd(page, String(ok.body.id)), runToEnd(page, String(bad.body.id))]);
    expect([okRun.status, badRun.status]).toEqual(['succeeded', 'failed']);
    const pagesOk = (okRun.counts as { pagesSucceeded: number }).pagesSucceeded;

    // Stored sizes from the artifact lists, uncompressed sizes from the downloads (HAR comes back inflated).
    const listed: Artifact[] = [];
    for (const run of [okRun, badRun]) listed.push(...((await pageApi(page, 'GET', `/v1/runs/${String(run.id)}/artifacts`)).body.data as Artifact[]));
    const sizes = await Promise.all(listed.map(async (a) => (await (await fetch(a.url)).arrayBuffer()).byteLength));
    const expected = (kind: Kind) => {
      const of = listed.map((a, i) => ({ a, raw: sizes[i]! })).filter((x) => x.a.kind === kind);
      return { count: of.length, bytes: of.reduce((n, x) => n + x.a.bytes, 0), raw: of.reduce((n, x) => n + x.raw, 0) };
    };
    const trace = expected('trace'); const har = expected('har'); const shot = expected('screenshot');
    expect([trace.count, har.count, shot.count]).toEqual([1, pagesOk + 1, 1]);
    expect(har.raw).toBeGreaterThan(har.bytes);

    const report = await pageApi(page, 'GET', `/v1/usage?from=${started - 60_000}&to=${Date.now() + 60_000}`);
    expect(report.status).toBe(200);
    const arts = report.body.artifacts as Record<Kind, KindSavings>;
    // Skipped: one trace and one screenshot per succeeded first attempt; estimates at the org's mean size per kind.
    expect(arts.trace).toEqual({ stored: { count: 1, bytes: trace.bytes }, uncompressedBytes: trace.raw, compressionSaved: 0, skippedBySampling: { count: pagesOk, estimatedBytes: Math.round(pagesOk * trace.raw) } });
    expect(arts.har).toEqual({ stored: { count: har.count, bytes: har.bytes }, uncompressedBytes: har.raw, compressionSaved: har.raw - har.bytes, skippedBySampling: { count: 0, estimatedBytes: 0 } });
    expect(arts.screenshot).toEqual({ stored: { count: 1, bytes: shot.bytes }, uncompressedBytes: shot.raw, compressionSaved: 0, skippedBySampling: { count: pagesOk, estimatedBytes: Math.round(pagesOk * shot.raw) } });
    const savings = report.body.artifactSavings as { compressionSavedBytes: number; samplingSavedBytes: number };
    expect(savings.compressionSavedBytes).toBe(har.raw - har.bytes);
    expect(savings.samplingSavedBytes).toBe(Math.round(pagesOk * trace.raw) + Math.round(pagesOk * shot.raw));
    const perJob = Object.fromEntries((report.body.jobs as Array<{ jobId: string; artifacts: Record<Kind, KindSavings> }>).map((j) => [j.jobId, j.artifacts]));
    expect(perJob[String(ok.body.id)]!.trace.skippedBySampling.count).toBe(pagesOk);
    expect(perJob[String(bad.body.id)]!.trace.stored.count).toBe(1);

    // The screen, in Korean, with ko-KR numbers.
    await page.evaluate(() => localStorage.setItem('trawl.lang', 'ko'));
    await page.goto(`${inject('edgeUrl')}/app/usage/?period=days7`);
    const ko = (n: number) => `${new Intl.NumberFormat('ko-KR').format(n)} B`;
    await expect.poll(() => page.getByTestId('usage-runs').textContent()).toBe('2');
    expect(await page.getByTestId('usage-pages').textContent()).toBe(String(pagesOk + Number((badRun.counts as { pagesFailed: number }).pagesFailed)));
    expect(await page.getByTestId('usage-compression').textContent()).toContain(ko(har.raw - har.bytes));
    expect(await page.getByTestId('usage-sampling').textContent()).toContain(ko(Math.round(pagesOk * trace.raw) + Math.round(pagesOk * shot.raw)));
    expect(await page.getByTestId('usage-sampling').textContent()).toContain('추정치');
    expect(await page.getByTestId('usage-jobs').locator('tbody tr').count()).toBe(2);
    await checkPage(page, 'usage');
  });
});
