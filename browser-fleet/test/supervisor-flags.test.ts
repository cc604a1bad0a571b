import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { nodeExecArgv, SEMI_SPACE_ENV, SupervisorConfigError } from '../src/supervisor.ts';

/**
 * ADR 0067: the supervisor starts the node process with V8's young generation capped (FLEET_NODE_SEMI_SPACE_MB,
 * default 16 MB per semi-space). Without it V8 grew the node's new space to 2 x 64 MB in a browser run.
 */
const SRC = join(import.meta.dirname, '..', 'src');

/** Peak new-space size (MB) of a Node process that allocates much and keeps a share, run with these flags. */
function newSpacePeakMb(flags: string[]): number {
  const script = `
    const v8 = require('node:v8'); const keep = []; let peak = 0;
    for (let i = 0; i < 4e6; i++) {
      const o = { i, s: 'x'.repeat(i % 50), a: [i, i + 1] };
      if (i % 4 === 0) keep.push(o);
      if (keep.length > 2e5) keep.splice(0, 1e5);
      if (i % 1000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
    }
    process.stdout.write(String(peak / 1048576));`;
  const r = spawnSync(process.execPath, [...flags.filter((f) => f.startsWith('--max-semi')), '-e', script], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return Number(r.stdout);
}

describe('the node process launch flags', () => {
  it('cap the young generation at 16 MB per semi-space by default, built and from sources', () => {
    expect(nodeExecArgv({}, true)).toEqual(['--enable-source-maps', '--max-semi-space-size=16']);
    expect(nodeExecArgv({}, false)).toEqual(['--import', 'tsx', '--max-semi-space-size=16']);
    expect(nodeExecArgv({ [SEMI_SPACE_ENV]: '32' }, true)).toEqual(['--enable-source-maps', '--max-semi-space-size=32']);
    expect(nodeExecArgv({ [SEMI_SPACE_ENV]: '0' }, true)).toEqual(['--enable-source-maps']);
  });

  it('refuse a value that is not a whole number of MB from 0 to 256', () => {
    for (const bad of ['lots', '-1', '1.5', '257', '16MB']) {
      expect(() => nodeExecArgv({ [SEMI_SPACE_ENV]: bad }, true), bad).toThrow(SupervisorConfigError);
    }
    expect(() => nodeExecArgv({ [SEMI_SPACE_ENV]: 'lots' }, true)).toThrow(`${SEMI_SPACE_ENV}: must be a whole number of MB from 0 to 256, got "lots"`);
  });

  it('keep the new space of an allocating process at 2 x 16 MB, where V8 alone grows it past that', () => {
    expect(newSpacePeakMb(nodeExecArgv({}, true))).toBe(32);
    // The same work under V8's own sizing: the cap is what holds it (if V8 stopped growing it, the flag would be moot).
    expect(newSpacePeakMb(nodeExecArgv({ [SEMI_SPACE_ENV]: '0' }, true))).toBeGreaterThan(32);
  });

  it('a supervisor given a bad value exits 2 with the message, starting no node process', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(SRC, 'supervisor.ts')], {
      env: { ...process.env, FLEET_SECRET: 'supervisor-flags-0123456789', [SEMI_SPACE_ENV]: 'lots' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    // A supervisor that took the value would run a node: stopped after 10 s (its exit code then is not 2).
    const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect({ code, err: err.trim() }).toEqual({ code: 2, err: `${SEMI_SPACE_ENV}: must be a whole number of MB from 0 to 256, got "lots"` });
  }, 30_000);
});
