import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { makeTask } from './fixtures.ts';
import { startTestSite, type TestSite } from './test-server.ts';
import { startTestPool } from './test-pool.ts';

/**
 * The page-guard paths the hostile suite cannot reach from a page: Chromium ignores window.close() on a tab the
 * page did not open, so the page is closed from outside here, as a close we did not ask for would be.
 */
let pool: BrowserPool;
let site: TestSite;

beforeAll(async () => {
  [pool, site] = await Promise.all([startTestPool(), startTestSite()]);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

describe('page guard', () => {
  it('fails the task with PAGE_CLOSED when its page closes mid-task, well before the deadline', async () => {
    const task = makeTask(`${site.url}/listing`, { deadline: Date.now() + 20_000 }, { actions: [{ do: 'delay', ms: 15_000 }] });
    const started = Date.now();
    let page: Page | null = null;
    const result = await runTask(task, pool, {
      nodeId: 'nod_test',
      observer: {
        attach: async (_context, p: Page) => { page = p; },
        // Closed once the page is loaded and the task is in its 15 s action.
        step: async (step) => { if (step === 'actions') setTimeout(() => void page?.close(), 100); },
      },
    });
    expect({ outcome: result.outcome, code: result.error?.code }).toEqual({ outcome: 'failed', code: 'PAGE_CLOSED' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps BROWSER_CRASHED when the whole browser dies (its pages close too)', async () => {
    const own = await startTestPool();
    try {
      const task = makeTask(`${site.url}/listing`, { deadline: Date.now() + 20_000 }, { actions: [{ do: 'delay', ms: 15_000 }] });
      const result = await runTask(task, own, {
        nodeId: 'nod_test',
        observer: { step: async (step) => { if (step === 'actions') setTimeout(() => { for (const pid of own.pids()) process.kill(-pid, 'SIGKILL'); }, 100); } },
      });
      expect({ outcome: result.outcome, code: result.error?.code }).toEqual({ outcome: 'failed', code: 'BROWSER_CRASHED' });
    } finally {
      await own.close();
    }
  });
});
