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
import { sampleRss, type ProcMem } from './rss.ts';

/** The line prefix the child prints its result JSON after. */
export const CHILD_RESULT = 'BENCH RESULT ';
const MARK = 'BENCH MARK ';

/** Printed by the child when its clock starts and stops: the parent measures its tree's memory in between. */
export function markChild(what: 'start' | 'stop'): void {
  process.stdout.write(`${MARK}${what}\n`);
}

/** Memory of the child's tree while its clock ran, sampled by the parent (the child's own CPU stays its work). */
export interface ChildMemory {
  peakRssBytes: number; peakPssBytes: number; atPeak: ProcMem[];
  /** At the RSS peak: the child's Node process, and everything under it (its browser). */
  clientPeakRssBytes: number; chromiumPeakRssBytes: number;
}

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
export async function runInChild<T>(entry: string, input: unknown): Promise<T & ChildMemory> {
  const script = await bundle(entry);
  const dir = mkdtempSync(join(tmpdir(), 'trawl-bench-child-'));
  const file = join(dir, 'input.json');
  writeFileSync(file, JSON.stringify(input));
  const child = spawn(process.execPath, ['--enable-source-maps', script, '--child', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const forget = onInterrupt(() => { child.kill('SIGTERM'); });
  let out = '';
  const rss = sampleRss(child.pid!, 250, true, true);
  let mem: ReturnType<typeof rss.stop> | null = null;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.includes(`${MARK}start\n`) && !out.includes(`${MARK}started`)) { rss.reset(); out = out.replace(`${MARK}start\n`, `${MARK}started\n`); }
    if (!mem && out.includes(`${MARK}stop\n`)) mem = rss.stop();
  });
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith(CHILD_RESULT));
    const m = mem as ReturnType<typeof rss.stop> | null;
    if (code !== 0 || !line || !m) throw new Error(`${entry} --child exited ${code}: ${out.slice(-1000)}`);
    const client = m.atPeak.find((p) => p.pid === child.pid)?.rss ?? 0;
    return { ...(JSON.parse(line.slice(CHILD_RESULT.length)) as T), peakRssBytes: m.peakBytes, peakPssBytes: m.peakPssBytes, atPeak: m.atPeak,
      clientPeakRssBytes: client, chromiumPeakRssBytes: m.peakBytes - client };
  } finally {
    rss.stop();
    forget();
    rmSync(dir, { recursive: true, force: true });
  }
}
