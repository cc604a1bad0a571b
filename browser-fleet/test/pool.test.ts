import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.ts';
import { BrowserPool } from '../src/pool.ts';

/** Live (non-zombie) processes in a process group, read from /proc. */
function liveInGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the command: state is 1st, pgid 3rd (the command may contain spaces, hence lastIndexOf).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

describe('BrowserPool', () => {
  it('replaces a crashed browser and leaves no process running after close', async () => {
    const pool = await new BrowserPool({ browsers: 1, chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', log: silentLogger }).start();
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
