import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg, waitForRun } from './client.ts';

/** The operator's limits for the test site, for every organization (set through the admin route below). */
const SITE_LIMIT = 2;
const SITE_DELAY_MS = 2000;
/**
 * Slots are granted at least SITE_DELAY_MS apart; the site sees each start later by the way to it (queue or direct
 * hand-over, fleet node, Chromium), which varied by up to ~550 ms between two pages here on a loaded 2-core machine.
 */
const TOLERANCE_MS = 800;
/** The site answers each page this late, so pages overlap and the concurrency limit is what holds them back. */
const HOLD_MS = 4000;
const ORGS = ['a', 'b', 'c'];
const JOBS = 2;
const PAGES = 2;

interface Start { org: string; at: number }

/** A site that counts the pages in flight and records when each starts (a page is /p/<org>/<job>/<n>). */
async function startCountingSite() {
  const starts: Start[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/warm/')) { res.writeHead(200, { 'content-type': 'text/html' }).end('<ul><li>warm</li></ul>'); return; }
    const m = /^\/p\/([a-z])\/(\d+)\/(\d+)$/.exec(req.url ?? '');
    if (!m) { res.writeHead(404).end(); return; }
    starts.push({ org: m[1]!, at: Date.now() });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const end = () => { if (!done) { done = true; inFlight--; } };
    res.on('close', end);
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(`<ul><li>${req.url}</li></ul>`), HOLD_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    // "localhost" is a site of its own (no other test file uses it), so earlier files' slots do not count here.
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    starts, inFlight: () => inFlight, maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const admin = (method: string, path: string, body?: unknown) => fetch(`${inject('edgeUrl')}/internal/admin${path}`, {
  method, headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('politeness per site, across organizations (real coordinator, limiter, fleet node and Chromium)', () => {
  let site: Awaited<ReturnType<typeof startCountingSite>>;
  let fleet: FleetNode;
  beforeAll(async () => {
    // More fleet slots than the site's limit: the limiter, not the fleet, must be what holds pages back.
    site = await startCountingSite();
    fleet = await startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), slots: 8, allow: [new URL(site.origin).host] });
    const set = await admin('PUT', '/sites/localhost', { maxConcurrent: SITE_LIMIT, minDelayMs: SITE_DELAY_MS });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  });
  afterAll(async () => {
    await admin('PUT', '/sites/localhost', { maxConcurrent: null, minDelayMs: null });
    await Promise.all([fleet?.stop(), site?.close()]);
  });

  it('three organizations, two jobs each: the site limit and spacing hold for all together, turns are shared, and a limiter restart changes neither', async () => {
    // A node's first pages are slower (browser contexts warming up), which would shorten the first gaps seen at the
    // site: a warm-up run on uncounted pages first.
    const warm = await newOrg('Sites warm-up');
    const warmJob = await api(warm.key, 'POST', '/v1/jobs', { name: 'warm', spec: { startUrls: [`${site.origin}/warm/1`, `${site.origin}/warm/2`], itemSelector: 'li', fields: { v: {} }, respectRobots: false } });
    const warmRun = await api(warm.key, 'POST', `/v1/jobs/${String(warmJob.body.id)}/runs`);
    expect((await waitForRun(warm.key, String(warmRun.body.id))).status).toBe('succeeded');

    const orgs = await Promise.all(ORGS.map((o) => newOrg(`Sites ${o}`)));
    const jobs = await Promise.all(ORGS.flatMap((o, i) => Array.from({ length: JOBS }, async (_, j) => {
      const urls = Array.from({ length: PAGES }, (_, n) => `${site.origin}/p/${o}/${j}/${n}`);
      const spec = { startUrls: urls, itemSelector: 'li', fields: { v: {} }, concurrency: PAGES, respectRobots: false, retry: { maxAttempts: 1 } };
      const job = await api(orgs[i]!.key, 'POST', '/v1/jobs', { name: `${o}${j}`, spec });
      expect(job.status, job.text).toBe(201);
      return { key: orgs[i]!.key, jobId: String(job.body.id) };
    })));
    const runs = await Promise.all(jobs.map(async (j) => {
      const r = await api(j.key, 'POST', `/v1/jobs/${j.jobId}/runs`);
      expect(r.status, r.text).toBe(201);
      return { key: j.key, runId: String(r.body.id) };
    }));

    // Mid-run, while the site is full: restart the site's limiter object (its memory goes, as on an eviction).
    for (const end = Date.now() + 60_000; !(site.starts.length >= 3 && site.inFlight() === SITE_LIMIT); await sleep(20)) {
      if (Date.now() > end) throw new Error(`the site never had ${SITE_LIMIT} pages in flight; starts: ${site.starts.length}`);
    }
    const before = await admin('GET', '/sites/localhost');
    const after = await admin('POST', '/sites/localhost/restart');
    const restartedAfterStarts = site.starts.length;

    for (const r of runs) expect((await waitForRun(r.key, r.runId)).status).toBe('succeeded');
    const starts = [...site.starts].sort((x, y) => x.at - y.at);
    const gaps = starts.slice(1).map((s, i) => s.at - starts[i]!.at);
    console.log(`site starts (org, ms after the first): ${starts.map((s) => `${s.org}+${s.at - starts[0]!.at}`).join(' ')}; restart after ${restartedAfterStarts}; max in flight ${site.maxInFlight()}`);

    expect(starts).toHaveLength(ORGS.length * JOBS * PAGES);
    expect(site.maxInFlight()).toBe(SITE_LIMIT);
    // The restart happened (a new instance answered) and the new instance knew the slots held before it.
    expect(after.status).toBe(200);
    expect(after.body.instanceId).not.toBe(before.body.instanceId);
    expect(after.body.inUse).toBeGreaterThanOrEqual(1);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(SITE_DELAY_MS - TOLERANCE_MS);
    // Fair shares: while every organization still has pages to start, each one starts at least once in every four
    // consecutive starts (round robin gives each every third; one more for a turn that lapsed), and none waits for
    // all of another's pages.
    const WINDOW = ORGS.length + 1;
    const remaining = (k: number, org: string) => starts.slice(k).filter((s) => s.org === org).length;
    for (let k = 0; k + WINDOW <= starts.length && ORGS.every((o) => remaining(k + WINDOW - 1, o) > 0); k++) {
      expect(new Set(starts.slice(k, k + WINDOW).map((s) => s.org)).size, `starts ${k}..${k + WINDOW - 1}`).toBe(ORGS.length);
    }
    for (const o of ORGS) {
      const first = starts.findIndex((s) => s.org === o);
      for (const other of ORGS.filter((x) => x !== o)) expect(first).toBeLessThan(starts.findLastIndex((s) => s.org === other));
    }
  });
});
