import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '@trawl/schemas';
import type { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { EgressProxy } from '../src/egress/proxy.ts';
import { parseAllowance } from '../src/egress/allowance.ts';
import { KeptPages, resetKept, type KeptPage } from '../src/kept-pages.ts';
import { makeTask } from './fixtures.ts';
import { startTestPool } from './test-pool.ts';
import { processTree } from '../../scripts/lib/proc-tree.ts';

/** Records what each take() handed out (null: nothing was kept for that task's run). */
class Recorded extends KeptPages {
  readonly taken: Array<KeptPage | null> = [];
  override take(task: { orgId: string; runId: string }): KeptPage | null {
    const k = super.take(task);
    this.taken.push(k);
    return k;
  }
}

let pool: BrowserPool;
let server: Server;
let base = '';
const hits = new Map<string, number>();
/** The cookie value `/set` hands out: what a later page must never see. */
const SECRET = 'c00kie-of-run-a';

// `/set` sets a cookie; `/echo` shows the Cookie header it got as its one item's title ("none" without one).
const page = (title: string): string => `<!doctype html><html><body><ul><li class="item"><a class="title" href="/p">${title}</a><span class="price">1</span></li></ul></body></html>`;

beforeAll(async () => {
  pool = await startTestPool();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.endsWith('.js')) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end('');
    // `/many`: the page and two scripts, three requests of its context.
    if (path === '/many') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page('many').replace('<body>', '<body><script src="/s1.js"></script><script src="/s2.js"></script>'));
    const headers = { 'content-type': 'text/html', ...(path === '/set' ? { 'set-cookie': `k=${SECRET}; Path=/` } : {}) };
    res.writeHead(path === '/fail' ? 404 : 200, headers).end(page(path === '/echo' ? req.headers.cookie ?? 'none' : path.slice(1)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await pool?.close();
  await new Promise((r) => server?.close(r));
});

const stores: KeptPages[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((k) => k.close()));
});

function store(idleMs = 60_000, max = 4, maxRequests?: number): Recorded {
  const k = new Recorded({ max, idleMs, ...(maxRequests ? { maxRequests } : {}) });
  stores.push(k);
  return k;
}

const egress = (): EgressProxy => new EgressProxy({ allow: parseAllowance(new URL(base).host) });
const inRun = (runId: string, path: string, orgId = 'org_a', specOver: Record<string, unknown> = {}): Task =>
  makeTask(`${base}${path}`, { runId, orgId }, { pagination: undefined, ...specOver });
const titleOf = (r: { items: Array<Record<string, unknown>> }): unknown => r.items[0]?.title;

describe('pages kept between the tasks of one run (ADR 0062)', () => {
  it('the run\'s next task takes the page the previous one left, without its cookies', async () => {
    const kept = store();
    const e = egress();
    const first = await runTask(inRun('run_a', '/set'), pool, { nodeId: 'n', egress: e, kept });
    expect(first.outcome).toBe('succeeded');
    expect(kept.size).toBe(1);
    const second = await runTask(inRun('run_a', '/echo'), pool, { nodeId: 'n', egress: e, kept });
    expect(second.outcome).toBe('succeeded');
    expect(titleOf(second)).toBe('none');
    // The second task ran in the page the first one kept, and kept it again.
    expect(kept.taken).toHaveLength(2);
    expect(kept.taken[0]).toBeNull();
    expect(kept.taken[1]).not.toBeNull();
    expect(kept.taken[1]!.page.isClosed()).toBe(false);
    expect(kept.size).toBe(1);
  });

  it('another run or another organization never gets it: a fresh context, which sees no cookie of the first run', async () => {
    const kept = store();
    const e = egress();
    expect((await runTask(inRun('run_a', '/set'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    const otherRun = await runTask(inRun('run_b', '/echo'), pool, { nodeId: 'n', egress: e, kept });
    const otherOrg = await runTask(inRun('run_a', '/echo', 'org_b'), pool, { nodeId: 'n', egress: e, kept });
    expect(titleOf(otherRun)).toBe('none');
    expect(titleOf(otherOrg)).toBe('none');
    expect(kept.taken).toEqual([null, null, null]);
    // Each of the three is kept for its own run; the first run's page is still there for run_a of org_a.
    expect(kept.size).toBe(3);
    expect(kept.take({ orgId: 'org_a', runId: 'run_a' })).not.toBeNull();
  });

  it('a failed task\'s page and a task with its own user agent are closed, not kept', async () => {
    const kept = store();
    const e = egress();
    const failed = await runTask(inRun('run_a', '/fail'), pool, { nodeId: 'n', egress: e, kept });
    expect(failed.outcome).toBe('failed');
    expect(kept.size).toBe(0);
    const agent = await runTask(inRun('run_a', '/echo', 'org_a', { browser: { userAgent: 'TrawlTest/1' } }), pool, { nodeId: 'n', egress: e, kept });
    expect(agent.outcome).toBe('succeeded');
    expect(kept.size).toBe(0);
  });

  it('a kept page reaches nothing until its run\'s next task binds its lane, and is closed when idle', async () => {
    const kept = store(300);
    const e = egress();
    expect((await runTask(inRun('run_a', '/set'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    const k = kept.take({ orgId: 'org_a', runId: 'run_a' })!;
    const before = hits.get('/probe') ?? 0;
    await k.page.goto(`${base}/probe`).catch(() => null);
    expect(hits.get('/probe') ?? 0).toBe(before);
    kept.keep(k);
    await new Promise((r) => setTimeout(r, 800));
    expect(kept.size).toBe(0);
    expect(k.page.isClosed()).toBe(true);
  });

  it('a kept page whose renderer crashes is dropped, not handed to the run\'s next task', async () => {
    const kept = store();
    const e = egress();
    expect((await runTask(inRun('run_a', '/set'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    const k = kept.take({ orgId: 'org_a', runId: 'run_a' })!;
    kept.keep(k);
    const cdp = await k.context.newCDPSession(k.page);
    await cdp.send('Page.crash').catch(() => undefined);
    await expect.poll(() => kept.size, { timeout: 5000 }).toBe(0);
    const next = await runTask(inRun('run_a', '/echo'), pool, { nodeId: 'n', egress: e, kept });
    expect(next.outcome).toBe('succeeded');
    expect(kept.taken.at(-1)).toBeNull();
  });

  it('a kept page whose reset does not finish in time is given up (closed), and one that does is ready without cookies', async () => {
    const kept = store();
    const e = egress();
    expect((await runTask(inRun('run_a', '/set'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    const k = kept.take({ orgId: 'org_a', runId: 'run_a' })!;
    expect((await k.context.cookies()).map((c) => c.value)).toEqual([SECRET]);
    // Chromium stopped (SIGSTOP on its whole tree): the reset's calls cannot answer within 300 ms, so the page is given
    // up, and closed once Chromium runs again.
    const frozen = pool.pids().flatMap((pid) => processTree(pid));
    expect(frozen.length).toBeGreaterThan(0);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    let given: boolean;
    try {
      given = await resetKept(k, 300);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    expect(given).toBe(false);
    await expect.poll(() => k.page.isClosed(), { timeout: 5000 }).toBe(true);
    expect((await runTask(inRun('run_a', '/set'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    const again = kept.take({ orgId: 'org_a', runId: 'run_a' })!;
    expect(await resetKept(again)).toBe(true);
    expect([again.page.isClosed(), await again.context.cookies()]).toEqual([false, []]);
    kept.keep(again);
  });

  it('a page whose context made maxRequests requests over its tasks is closed, not kept again (ADR 0067)', async () => {
    // Each /many task makes 3 requests; at most 7: kept after the first (3) and the second (6), closed after the third (9).
    const kept = store(60_000, 4, 7);
    const e = egress();
    for (let i = 0; i < 3; i++) expect((await runTask(inRun('run_a', '/many'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    const [first, second, third] = kept.taken;
    expect([first, second?.requests, third?.requests, third?.page === second?.page]).toEqual([null, 3, 6, true]);
    expect(kept.size).toBe(0);
    await expect.poll(() => third?.page.isClosed(), { timeout: 5000 }).toBe(true);
    // The run's next task gets a fresh context, kept again from 3.
    expect((await runTask(inRun('run_a', '/many'), pool, { nodeId: 'n', egress: e, kept })).outcome).toBe('succeeded');
    expect(kept.taken[3]).toBeNull();
    expect(kept.take({ orgId: 'org_a', runId: 'run_a' })?.requests).toBe(3);
  });
});
