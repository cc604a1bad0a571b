import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { BrowserPool } from '../src/pool.ts';
import { usable } from '../src/rules/settle.ts';
import type { PageTools } from '../src/rules/tools.ts';
import { TrawlError } from '@trawl/schemas';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
  pool = await startTestPool();
  context = await pool.newContext({});
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await pool?.close();
});

/**
 * The runner's budget rule (runner.ts) over a deadline `leftMs` away; `afterFirst` runs once, after the first raced
 * call (usable's visibility check), to change the page between usable's reads.
 */
function toolsWith(leftMs: number, afterFirst: () => Promise<void>): PageTools {
  const deadline = Date.now() + leftMs;
  let bound = false;
  let raced = 0;
  return {
    race: async (p) => {
      const v = await p;
      if (raced++ === 0) await afterFirst();
      return v;
    },
    budget: (cap) => {
      const left = deadline - Date.now();
      if (left <= 0) throw new TrawlError('TASK_TIMEOUT', 'task deadline passed');
      bound = cap === undefined || left <= cap;
      return Math.max(1, Math.min(left, cap ?? left));
    },
    enter: async () => undefined,
    emit: () => undefined,
    lap: () => 0,
    deadlineBound: () => bound,
  };
}

describe('a load-more control that vanishes between two reads (settle.ts usable)', () => {
  const removeButton = () => page.evaluate(() => document.getElementById('more')?.remove()).then(() => undefined);

  it('is "not usable" when its reads time out with the task deadline far away, even after an uncapped step', async () => {
    await page.setContent('<button id="more">More</button>');
    const tools = toolsWith(60_000, removeButton);
    // An earlier step took the whole remaining time as its budget: the task's deadline bound that step, not this one.
    tools.budget();
    expect(tools.deadlineBound()).toBe(true);
    await expect(usable(page, '#more', tools)).resolves.toBe(false);
  });

  it('is the task\'s timeout when the deadline is what cut the reads short', async () => {
    await page.setContent('<button id="more">More</button>');
    const tools = toolsWith(300, removeButton);
    await expect(usable(page, '#more', tools)).rejects.toThrow(/Timeout/);
  });
});
