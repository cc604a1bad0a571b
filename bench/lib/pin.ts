/**
 * `bench/run.ts --pin-edge`: the edge (wrangler dev + workerd) and the fixture site on CPU 0, the scrapers under test
 * (the fleet node and its Chromium, the bare script and its Chromium, Crawlee, this process) on CPU 1. In production
 * the edge runs on Cloudflare, not on the fleet's cores; pinned, every scraper is measured on the same one core and the
 * edge's CPU cannot be taken from one scraper more than from another. Uses taskset (Debian's util-linux).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { processTree } from './rss.ts';

export const EDGE_CPU = 0;
export const SCRAPER_CPU = 1;

/** Throws unless pinning can run here: taskset installed and at least 2 CPUs. */
export function checkPinning(): string {
  let path: string;
  try {
    path = execFileSync('which', ['taskset'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    throw new Error('--pin-edge needs taskset (Debian: apt-get install util-linux)');
  }
  if (cpus().length < 2) throw new Error(`--pin-edge needs 2 CPUs, this machine has ${cpus().length}`);
  return path;
}

/** Every thread of every process in the tree under `root` to `cpu` (children started later inherit it). */
export function pinTree(root: number, cpu: number): number[] {
  const pids = processTree(root);
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    } catch {
      // A process that exited between the listing and the call: nothing to pin.
    }
  }
  return pids;
}

/** The CPUs a process may run on, as taskset prints them (e.g. "1"), for the run's record. */
export function affinityOf(pid: number): string {
  try {
    return execFileSync('taskset', ['-c', '-p', String(pid)], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split(':').at(-1)!.trim();
  } catch {
    return 'unknown';
  }
}
