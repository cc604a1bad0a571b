import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { makeTask } from './fixtures.ts';
import { startTestPool } from './test-pool.ts';

const PAGE = '<!doctype html><ul><li class="item"><a class="title" href="/p/1">One</a><span class="price">$1</span></li></ul>';

/** A site whose robots.txt answer is chosen per test; it counts the pages (not robots.txt) it serves. */
async function site(robots: { status: number; body?: string }) {
  let pages = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/robots.txt') res.writeHead(robots.status, { 'content-type': 'text/plain' }).end(robots.body ?? '');
    else { pages++; res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pages: () => pages, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('robots.txt', () => {
  let pool: BrowserPool;
  const sites: Array<Awaited<ReturnType<typeof site>>> = [];
  beforeAll(async () => { pool = await startTestPool(); });
  afterAll(async () => { await Promise.all([pool?.close(), ...sites.map((s) => s.close())]); });
  const run = (url: string, spec: Record<string, unknown> = {}) => runTask(makeTask(url, {}, spec), pool, { nodeId: 'nod_test' });

  it('obeys Disallow for the Trawl agent, reports crawl-delay, and can be switched off per job', async () => {
    const s = await site({ status: 200, body: 'User-agent: *\nDisallow: /everything-else\n\nUser-agent: Trawl\nDisallow: /private\nCrawl-delay: 2\n' });
    sites.push(s);
    const denied = await run(`${s.url}/private/list`);
    expect(denied.error).toMatchObject({ code: 'BLOCKED_BY_POLICY', step: 'navigate' });
    expect(denied.error?.message).toContain('robots.txt');
    expect(s.pages()).toBe(0);
    const allowed = await run(`${s.url}/public/list`);
    expect(allowed.outcome).toBe('succeeded');
    expect(allowed.crawlDelayMs).toBe(2000);
    const ignored = await run(`${s.url}/private/list`, { respectRobots: false });
    expect(ignored.outcome).toBe('succeeded');
    expect(s.pages()).toBe(2);
  });

  it('treats a missing robots.txt as no rules and a failing one as off limits for now (HTTP_5XX, retryable)', async () => {
    const missing = await site({ status: 404 });
    const broken = await site({ status: 503 });
    sites.push(missing, broken);
    expect((await run(`${missing.url}/list`)).outcome).toBe('succeeded');
    const refused = await run(`${broken.url}/list`);
    expect(refused.error?.code).toBe('HTTP_5XX');
    expect(refused.error?.message).toContain('robots.txt');
    expect(broken.pages()).toBe(0);
  });
});
