import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunEvent } from '@trawl/schemas';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';

const FIELDS = {
  sku: { source: 'attr', attr: 'data-sku', required: true },
  name: { selector: '.name', required: true },
  price: { selector: '.price', process: [{ op: 'number' }] },
};
const li = (sku: string, name: string, price: number, href = '#') =>
  `<li class="product" data-sku="${sku}"><a class="name" href="${href}">${name}</a> <span class="price">${price}</span></li>`;
const html = (body: string) => `<!doctype html><html><body>${body}</body></html>`;

/** The site's rule: one page per RL_INTERVAL_MS for everyone; any other request is answered 429, Retry-After: 1. */
const RL_INTERVAL_MS = 1000;
const RL_PAGES = 4;

/**
 * Issue #10 parts 3 and 6 through the whole product (API, coordinator, queue, a real fleet node and Chromium) against
 * a site this test serves, whose rules (a page that fails once, a global rate limit) it counts itself.
 */
describe('retries, site backoff and skipped URLs', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let server: Server;
  let site = '';
  const served503 = new Set<string>();
  let rlLast = 0;
  let rl429 = 0;
  let rlOk = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (status: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'text/html', ...headers });
        res.end(body);
      };
      let m: RegExpMatchArray | null;
      if ((m = path.match(/^\/flaky\/(\d+)$/))) {
        if (!served503.has(path)) { served503.add(path); return send(503, html('busy')); }
        return send(200, html(`<ul>${li(`F${m[1]}`, `Flaky ${m[1]}`, Number(m[1]))}</ul>`));
      }
      if ((m = path.match(/^\/rl\/(\d+)$/))) {
        const now = Date.now();
        if (now - rlLast < RL_INTERVAL_MS) { rl429++; return send(429, html('slow down'), { 'retry-after': '1' }); }
        rlLast = now;
        rlOk++;
        return send(200, html(`<ul>${li(`R${m[1]}`, `Limited ${m[1]}`, Number(m[1]))}</ul>`));
      }
      if ((m = path.match(/^\/chain\/(\d+)$/))) {
        const n = Number(m[1]);
        return send(200, html(`<ul>${li(`C${n}`, `Chain ${n}`, n)}</ul><a class="next" href="/chain/${n + 1}">next</a>`));
      }
      // A listing whose one item's detail link is the listing's own URL.
      if (path === '/same') return send(200, html(`<ul>${li('S1', 'Same', 7, '/same')}</ul><p class="description">Described on the same page</p>`));
      return send(404, html('no'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    site = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    [org, fleet] = await Promise.all([
      newOrg('Retries'),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: [...inject('fleetAllow'), new URL(site).host], slots: 4 }),
    ]);
  });
  afterAll(async () => {
    await fleet?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function runToEnd(spec: Record<string, unknown>, limits: Record<string, number>) {
    expect((await api(org.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits })).status).toBe(200);
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'retries', spec: {
      itemSelector: 'li.product', fields: FIELDS, wait: { forItems: true, timeoutMs: 5000 }, dedupeKey: ['sku'], ...spec,
    } });
    expect(job.status, job.text).toBe(201);
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    expect(run.status, run.text).toBe(201);
    const runId = String(run.body.id);
    const done = await waitForRun(org.key, runId, 100_000);
    const results = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
    const items = results.text.trim() ? results.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
    return { runId, done, items, events: await followEvents(org.key, runId) };
  }

  it('the next attempt never starts before the time its task.retrying event announced', async () => {
    // Spacing (1 s) shorter than the 503 backoff (2 s ± 25%): tasks wait for a slot, then fail once each.
    const r = await runToEnd({ startUrls: [1, 2, 3].map((n) => `${site}/flaky/${n}`), concurrency: 3, retry: { maxAttempts: 3 } },
      { siteMaxConcurrent: 10, siteMinDelayMs: 1000 });
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: 3, retries: 3 } });
    const retries = r.events.filter((e) => e.type === 'task.retrying');
    expect(retries).toHaveLength(3);
    for (const retry of retries) {
      const { retryAt, retryInMs } = retry.data as { retryAt: number; retryInMs: number };
      expect(retry.message).toContain(`retrying in ${retryInMs} ms`);
      const next = r.events.find((e): e is RunEvent => e.type === 'task.started' && e.taskId === retry.taskId && e.seq > retry.seq);
      expect(next, `the retried attempt of ${retry.url}`).toBeDefined();
      // The announced delay is the delay observed: the retry started no earlier than announced (same edge clock).
      expect(next!.ts - retry.ts, `${retry.url}: announced ${retryInMs} ms`).toBeGreaterThanOrEqual(retryAt - retry.ts);
    }
  });

  it('a site that rate-limits globally: the run slows down for it, meets no more 429s than a sequential polite crawler, and finishes', async () => {
    const r = await runToEnd({ startUrls: Array.from({ length: RL_PAGES }, (_, i) => `${site}/rl/${i + 1}`), concurrency: RL_PAGES, retry: { maxAttempts: 6 } },
      { siteMaxConcurrent: 10, siteMinDelayMs: 0 });
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: RL_PAGES, pagesSucceeded: RL_PAGES, pagesFailed: 0 } });
    expect(rlOk).toBe(RL_PAGES);
    // A sequential crawler that honours Retry-After and nothing else fetches page k+1 right after page k, inside
    // the site's interval: one 429 per page after the first, RL_PAGES - 1 in all.
    expect(rl429, '429s the site served').toBeGreaterThan(0);
    expect(rl429, '429s the site served').toBeLessThanOrEqual(RL_PAGES - 1);
    expect(r.events.some((e) => e.type === 'log' && String(e.message).includes('asked to slow down (RATE_LIMITED)'))).toBe(true);
  });

  it('a detail URL equal to its listing URL is still fetched as a detail page', async () => {
    const r = await runToEnd({
      startUrls: [`${site}/same`],
      fields: { ...FIELDS, url: { selector: 'a.name', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
      detail: { urlField: 'url', fields: { description: { selector: '.description', required: true } } },
    }, { siteMaxConcurrent: 10, siteMinDelayMs: 0 });
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 2, items: 1 } });
    expect(r.items).toEqual([{ sku: 'S1', name: 'Same', price: 7, url: `${site}/same`, description: 'Described on the same page' }]);
  });

  it('a run cut by maxPages counts the pages it did not fetch, by reason, in GET /v1/runs/{id}', async () => {
    const r = await runToEnd({ startUrls: [`${site}/chain/1`], pagination: { type: 'nextLink', selector: 'a.next' }, limits: { maxPages: 3 } },
      { siteMaxConcurrent: 10, siteMinDelayMs: 0 });
    // Pages 1-3 fetched; page 3's link to page 4 is the one URL the limit cut.
    expect(r.items.map((i) => i.sku)).toEqual(['C1', 'C2', 'C3']);
    const got = await api(org.key, 'GET', `/v1/runs/${r.runId}`);
    expect(got.status).toBe(200);
    expect(got.body.counts).toMatchObject({ pagesSucceeded: 3, skipped: { maxPages: 1, maxItems: 0, duplicate: 0 } });
  });
});
