/**
 * Memory of a process tree from /proc: every `intervalMs`, the sum of VmRSS over a root pid and
 * all its descendants (found by walking PPid links, so detached children such as the fleet's
 * Chromium, which leads its own process group, are included). Pages shared between processes
 * (Chromium's shared libraries, the zygote's copy-on-write pages) are counted once per process,
 * so the sum overstates the physical memory in use; it is an upper bound, comparable run to run.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface RssSample { t: number; bytes: number; processes: number }

function ppidOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesised and may contain spaces: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The root and every descendant alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = ppidOf(name);
    if (ppid === null) continue;
    const list = children.get(ppid);
    if (list) list.push(Number(name));
    else children.set(ppid, [Number(name)]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function treeRss(root: number): RssSample {
  const pids = processTree(root);
  return { t: Date.now(), bytes: pids.reduce((n, p) => n + rssOf(p), 0), processes: pids.length };
}

export interface RssSampler {
  /** Stops sampling; returns the peak and the sample count. */
  stop(): { peakBytes: number; peakProcesses: number; samples: number; meanBytes: number };
  /** Restarts the peak (between runs on the same node). */
  reset(): void;
}

export function sampleRss(root: number, intervalMs = 250): RssSampler {
  let peak: RssSample = { t: 0, bytes: 0, processes: 0 };
  let samples = 0;
  let total = 0;
  const take = (): void => {
    const s = treeRss(root);
    samples++;
    total += s.bytes;
    if (s.bytes > peak.bytes) peak = s;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakBytes: peak.bytes, peakProcesses: peak.processes, samples, meanBytes: samples ? total / samples : 0 };
    },
    reset() {
      peak = { t: 0, bytes: 0, processes: 0 };
      samples = 0;
      total = 0;
    },
  };
}
