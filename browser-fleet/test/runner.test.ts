import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEventInput, Task } from '@trawl/schemas';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { startTestSite, type TestSite } from './test-server.ts';
import { makeTask } from './fixtures.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: TestSite;

beforeAll(async () => {
  [pool, site] = await Promise.all([
    startTestPool(),
    startTestSite(),
  ]);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

async function run(task: Task): Promise<{ result: Awaited<ReturnType<typeof runTask>>; events: RunEventInput[] }> {
  const events: RunEventInput[] = [];
  const result = await runTask(task, pool, { nodeId: 'nod_test', onEvent: (e) => events.push(e) });
  return { result, events };
}

describe('runTask', () => {
  it('extracts a 20-item listing exactly and discovers the next page', async () => {
    const { result, events } = await run(makeTask(`${site.url}/listing`));
    expect(result.outcome).toBe('succeeded');
    expect(result.items).toHaveLength(20);
    expect(result.items[0]).toEqual({ title: 'Item 1', url: `${site.url}/product/1`, price: 1001.5 });
    expect(result.items[19]).toEqual({ title: 'Item 20', url: `${site.url}/product/20`, price: 1020.5 });
    expect(result.discovered).toEqual([{ url: `${site.url}/listing?page=2`, kind: 'page' }]);
    expect(result.httpStatus).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['page.navigated', 'page.waited', 'items.extracted']);
    expect(events[2]?.data).toMatchObject({ count: 20 });
    expect(result.timings.totalMs).toBeGreaterThan(0);
    expect(result.timings.navigateMs).toBeGreaterThanOrEqual(0);
  });

  it('never extracts <template> rows or hidden rows', async () => {
    const { result } = await run(makeTask(`${site.url}/listing`));
    const titles = result.items.map((i) => i.title);
    expect(titles).not.toContain('Template row');
    expect(titles).not.toContain('Item 901');
    expect(titles).not.toContain('Item 902');
  });

  // An attempt without a trace waits with the engine's in-page resolver; a traced one through Playwright (wait-attached.ts).
  const TRACED = { artifacts: { trace: 'on-failure', har: 'off', screenshots: 'off' } };
  const UNTRACED = { artifacts: { trace: 'off', har: 'off', screenshots: 'off' } };

  it.each([['untraced', UNTRACED], ['traced', TRACED]])('waits for items rendered by script after load (%s)', async (_, artifacts) => {
    const { result } = await run(makeTask(`${site.url}/late`, {}, { browser: { waitUntil: 'load' }, ...artifacts }));
    expect(result.outcome).toBe('succeeded');
    expect(result.items.map((i) => i.title)).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4', 'Item 5']);
  });

  it.each([
    [404, 'HTTP_4XX', false],
    [503, 'HTTP_5XX', true],
  ])('maps HTTP %i to %s', async (status, code, retryable) => {
    const { result } = await run(makeTask(`${site.url}/status/${status}`));
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe(code);
    expect(result.httpStatus).toBe(status);
    const { ERRORS } = await import('@trawl/schemas');
    expect(ERRORS[result.error?.code ?? 'INTERNAL'].retryable).toBe(retryable);
  });

  it('maps 429 to RATE_LIMITED with Retry-After in ms', async () => {
    const { result } = await run(makeTask(`${site.url}/status/429?ra=3`));
    expect(result.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000 });
  });

  it('maps a refused connection to NAVIGATION_ERROR', async () => {
    const { result } = await run(makeTask('http://127.0.0.1:9/'));
    expect(result.error?.code).toBe('NAVIGATION_ERROR');
  });

  it('gives up on a page that never answers by the task deadline', async () => {
    const t0 = Date.now();
    const { result } = await run(makeTask(`${site.url}/hang`, { deadline: Date.now() + 1500 }));
    expect(['NAVIGATION_TIMEOUT', 'TASK_TIMEOUT']).toContain(result.error?.code);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('reports an empty listing as EXTRACTION_EMPTY unless allowed', async () => {
    const short = { wait: { forItems: false } };
    expect((await run(makeTask(`${site.url}/empty`, {}, short))).result.error?.code).toBe('EXTRACTION_EMPTY');
    expect((await run(makeTask(`${site.url}/hidden-only`, {}, short))).result.error?.code).toBe('EXTRACTION_EMPTY');
    const allowed = await run(makeTask(`${site.url}/empty`, {}, { ...short, allowEmpty: true }));
    expect(allowed.result).toMatchObject({ outcome: 'succeeded', items: [] });
  });

  it.each([['untraced', UNTRACED], ['traced', TRACED]])('reports items that never appear as EXTRACTION_EMPTY (or an empty success when allowed), and an explicit wait rule as SELECTOR_TIMEOUT (%s)', async (_, artifacts) => {
    const waited = await run(makeTask(`${site.url}/empty`, {}, { wait: { forItems: true, timeoutMs: 300 }, ...artifacts }));
    expect(waited.result.error).toMatchObject({ code: 'EXTRACTION_EMPTY', step: 'extract' });
    const allowed = await run(makeTask(`${site.url}/empty`, {}, { wait: { forItems: true, timeoutMs: 300 }, allowEmpty: true, ...artifacts }));
    expect(allowed.result).toMatchObject({ outcome: 'succeeded', items: [] });
    const rule = await run(makeTask(`${site.url}/empty`, {}, { wait: { selector: '.never-there', timeoutMs: 300 }, ...artifacts }));
    expect(rule.result.error).toMatchObject({ code: 'SELECTOR_TIMEOUT', step: 'wait' });
  });

  it('names the step and the field when a required field is empty in every item', async () => {
    const { result } = await run(makeTask(`${site.url}/listing`, {}, {
      fields: { title: { selector: 'a.title' }, sku: { selector: '.no-such-sku', required: true } },
    }));
    expect(result.error).toMatchObject({ code: 'EXTRACTION_EMPTY', step: 'extract', field: 'sku' });
    expect(result.error?.message).toContain('sku');
  });

  it('does not request blocked resource types', async () => {
    const before = { img: site.hits('/img/'), font: site.hits('/font/'), css: site.hits('/css/') };
    const blocked = await run(makeTask(`${site.url}/listing`, {}, { browser: { blockResources: ['image', 'font'], waitUntil: 'load' } }));
    expect(blocked.result.outcome).toBe('succeeded');
    expect(site.hits('/img/') - before.img).toBe(0);
    expect(site.hits('/font/') - before.font).toBe(0);
    expect(site.hits('/css/') - before.css).toBe(1);
    // Control: with nothing blocked the same page does fetch its images, so the count above means something.
    await run(makeTask(`${site.url}/listing`, {}, { browser: { blockResources: [], waitUntil: 'load' } }));
    expect(site.hits('/img/') - before.img).toBe(22); // 20 rows + 2 hidden rows, whose images still load
  });

  it('closes every context it opens', async () => {
    await run(makeTask(`${site.url}/status/404`));
    expect(pool.contexts).toBe(0);
  });
});
