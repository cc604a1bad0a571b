/**
 * Runs one bare-script measurement in a Node process of its own, as plain JavaScript (ADR 0065). Issue #15 §2 compares
 * Node plus browser on both sides: the fleet's node runs built (browser-fleet/dist, no tsx), so the bare script is
 * bundled the same way (esbuild, packages left as imports) into bench/dist/ and run with plain `node`; its own process
 * then holds only what the script needs (playwright-core, the fixture check), not the benchmark's tsx, edge logs and
 * results, and it measures its own tree: Node client + Chromium.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/stack.ts';
import { onInterrupt } from './cleanup.ts';

/** The line prefix the child prints its result JSON after. */
export const CHILD_RESULT = 'BENCH RESULT ';

const DIST = join(ROOT, 'bench', 'dist');

async function bundle(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(DIST, entry.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(ROOT, 'bench', entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node22',
    packages: 'external', sourcemap: 'linked', logLevel: 'warning',
  });
  return outfile;
}

/** Bundles `bench/<entry>`, runs it with `--child <input file>` and returns the JSON it prints after CHILD_RESULT. */
export async function runInChild<T>(entry: string, input: unknown): Promise<T> {
  const script = await bundle(entry);
  const dir = mkdtempSync(join(tmpdir(), 'trawl-bench-child-'));
  const file = join(dir, 'input.json');
  writeFileSync(file, JSON.stringify(input));
  const child = spawn(process.execPath, ['--enable-source-maps', script, '--child', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const forget = onInterrupt(() => { child.kill('SIGTERM'); });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith(CHILD_RESULT));
    if (code !== 0 || !line) throw new Error(`${entry} --child exited ${code}: ${out.slice(-1000)}`);
    return JSON.parse(line.slice(CHILD_RESULT.length)) as T;
  } finally {
    forget();
    rmSync(dir, { recursive: true, force: true });
  }
}
