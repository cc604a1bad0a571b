import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { silentLogger } from '../src/log.ts';
import { EgressProxy } from '../src/egress/proxy.ts';
import { parseAllowance } from '../src/egress/allowance.ts';
import { WarmContexts, type WarmContext } from '../src/warm-contexts.ts';
import type { Task } from '@trawl/schemas';
import { startTestSite, type TestSite } from './test-server.ts';
import { makeTask } from './fixtures.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: TestSite;
let egress: EgressProxy;

/** Records what each take() handed out, so a test can check it was used once and closed. */
class Recorded extends WarmContexts {
  readonly taken: WarmContext[] = [];
  override take(): WarmContext | null {
    const w = super.take();
    if (w) this.taken.push(w);
    return w;
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  [pool, site] = await Promise.all([startTestPool(), startTestSite()]);
  egress = new EgressProxy({ allow: parseAllowance(new URL(site.url).host) });
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

const stocks: WarmContexts[] = [];
afterEach(async () => {
  await Promise.all(stocks.splice(0).map((w) => w.close()));
});

/** A stock of one warm context, ready, closed after the test. */
async function readyStock(): Promise<Recorded> {
  const warm = new Recorded({ source: pool, egress, size: 1, log: silentLogger }).start();
  stocks.push(warm);
  await until(() => warm.ready === 1);
  return warm;
}

const runWith = (warm: WarmContexts, task: Task) => runTask(task, pool, { nodeId: 'n', egress, warm });

describe('warm contexts', () => {
  it('each task takes a fresh warm context, which is closed after it and replaced, never reused', async () => {
    const warm = await readyStock();
    const first = await runWith(warm, makeTask(`${site.url}/listing`));
    expect(first.outcome).toBe('succeeded');
    expect(first.items).toHaveLength(20);
    expect(warm.taken).toHaveLength(1);
    expect(warm.taken[0]!.page.isClosed()).toBe(true);

    await until(() => warm.ready === 1);
    const second = await runWith(warm, makeTask(`${site.url}/listing`));
    expect(second.outcome).toBe('succeeded');
    expect(warm.taken).toHaveLength(2);
    expect(warm.taken[1]!.context).not.toBe(warm.taken[0]!.context);
    expect(warm.taken[1]!.page.isClosed()).toBe(true);
  });

  it('a warm context reaches nothing until a task binds its lane, and then only what the task\'s policy allows', async () => {
    const warm = await readyStock();
    const w = warm.take()!;
    const before = site.hits('/listing');
    const answer = await w.page.goto(`${site.url}/listing`).catch((e: Error) => e);
    // Refused by the proxy: its 403 page, or a failed navigation; the site never saw the request.
    if (!(answer instanceof Error)) expect(answer?.headers()['x-trawl-egress']).toBe('blocked');
    expect(site.hits('/listing')).toBe(before);
    await w.context.close();
    await w.lane?.close();

    // A task whose policy denies the site: the warm lane takes that policy and the task is refused.
    await until(() => warm.ready === 1);
    const denied = await runWith(warm, makeTask(`${site.url}/listing`, { policy: { allowDomains: ['example.org'], denyDomains: [] } }));
    expect(denied.outcome).toBe('failed');
    expect(denied.error?.code).toBe('BLOCKED_BY_POLICY');
    expect(site.hits('/listing')).toBe(before);
  });

  it('with no task for idleMs the stock is closed and stays empty until a task asks again (ADR 0062)', async () => {
    const warm = new Recorded({ source: pool, egress, size: 1, log: silentLogger, idleMs: 400 }).start();
    stocks.push(warm);
    await until(() => warm.ready === 1);
    await until(() => warm.ready === 0, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(warm.ready).toBe(0);
    expect(pool.contexts).toBe(0);
    // The next task finds none and makes its own; the stock is made again behind it.
    expect(warm.take()).toBeNull();
    await until(() => warm.ready === 1);
  });

  it('with refillOnMiss false a take() that finds none leaves the stock empty; a context closed rather than kept fills it (ADR 0065)', async () => {
    const warm = new Recorded({ source: pool, egress, size: 1, log: silentLogger, refillOnMiss: false });
    stocks.push(warm);
    expect(warm.take()).toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    expect(warm.ready).toBe(0);
    // A task that fails closes its context: the runner makes a warm one for the run's next task.
    const failed = await runWith(warm, makeTask(`${site.url}/no-such-page`, { deadline: Date.now() + 10_000 }));
    expect(failed.outcome).toBe('failed');
    await until(() => warm.ready === 1);
    expect(warm.taken).toHaveLength(0);
  });

  it('a lane belongs to one task: binding it again throws', async () => {
    const lane = await egress.open();
    try {
      lane.bind({ policy: { allowDomains: [], denyDomains: [] }, onBlocked: () => undefined });
      expect(() => lane.bind({ policy: { allowDomains: [], denyDomains: [] }, onBlocked: () => undefined })).toThrow(/already belongs/);
    } finally {
      await lane.close();
    }
  });

  it('tasks that need their own context options (user agent, HAR, login) do not take a warm one', async () => {
    const warm = await readyStock();
    const r = await runWith(warm, makeTask(`${site.url}/listing`, {}, { browser: { userAgent: 'TrawlTest/1.0' } }));
    expect(r.outcome).toBe('succeeded');
    expect(warm.taken).toHaveLength(0);
    expect(warm.ready).toBe(1);
  });
});
