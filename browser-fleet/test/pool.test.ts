import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { liveInGroup } from '../src/process-group.ts';
import { BrowserPool } from '../src/pool.ts';
import { silentLogger } from '../src/log.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';
import { startTestPool } from './test-pool.ts';

describe('BrowserPool', () => {
  it('replaces a crashed browser and leaves no process running after close', async () => {
    const pool = await startTestPool();
    const first = pool.pids();
    expect(first).toHaveLength(1);
    const [pid] = first as [number];
    expect(liveInGroup(pid).length).toBeGreaterThan(1); // the browser plus its helpers

    // A browser killed from outside is replaced when the next context is needed.
    process.kill(-pid, 'SIGKILL');
    const ctx = await pool.newContext({});
    const [replacement] = pool.pids() as [number];
    expect(replacement).not.toBe(pid);
    expect(pool.browsers).toBe(1);
    await ctx.close();
    expect(pool.contexts).toBe(0);

    await pool.close();
    for (const p of [pid, replacement]) {
      expect(liveInGroup(p)).toEqual([]);
    }
    expect(pool.browsers).toBe(0);
  });

  it('launches its browser with the first context, not before, and stops it after idleMs without one (ADR 0065)', async () => {
    const pool = new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger, idleMs: 500 });
    try {
      expect(pool.pids()).toEqual([]);
      const a = await pool.newContext({});
      const [pid] = pool.pids() as [number];
      expect(pool.browsers).toBe(1);
      // One context still open holds the browser past idleMs.
      const b = await pool.newContext({});
      await a.close();
      await new Promise((r) => setTimeout(r, 900));
      expect(pool.pids()).toEqual([pid]);
      await b.close();
      await expect.poll(() => pool.pids(), { timeout: 10_000 }).toEqual([]);
      await expect.poll(() => liveInGroup(pid), { timeout: 10_000 }).toEqual([]);
      expect(pool.failing).toBe(false);
      // The next context launches a new one.
      const c = await pool.newContext({});
      expect(pool.pids()).toHaveLength(1);
      expect(pool.pids()).not.toEqual([pid]);
      await c.close();
    } finally {
      await pool.close();
    }
  });

  it('reports failing while its browser cannot be launched', async () => {
    const pool = new BrowserPool({ browsers: 1, chromiumPath: '/nonexistent/chromium', log: silentLogger });
    try {
      expect(pool.failing).toBe(false);
      await expect(pool.newContext({})).rejects.toThrow();
      expect(pool.failing).toBe(true);
      expect(pool.contexts).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('opens no first tab: with one page open its browser runs one renderer, that page\'s (ADR 0067)', async () => {
    const pool = new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger });
    try {
      const ctx = await pool.newContext({});
      const page = await ctx.newPage();
      await page.setContent('<p>one page</p>');
      const [pid] = pool.pids() as [number];
      const renderers = (): number => liveInGroup(pid).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').split(/[\0 ]/).includes('--type=renderer');
        } catch {
          return false;
        }
      }).length;
      expect(renderers()).toBe(1);
      await ctx.close();
    } finally {
      await pool.close();
    }
  });
});

