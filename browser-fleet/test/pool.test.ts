import { describe, expect, it } from 'vitest';
import { liveInGroup } from '../src/process-group.ts';
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
});
