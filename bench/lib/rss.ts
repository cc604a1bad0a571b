/**
 * Memory of a process tree from /proc: every `intervalMs`, the sum of VmRSS over a root pid and
 * all its descendants (found by walking PPid links, so detached children such as the fleet's
 * Chromium, which leads its own process group, are included). Pages shared between processes
 * (Chromium's shared libraries, the zygote's copy-on-write pages) are counted once per process,
 * so the RSS sum overstates the physical memory in use; it is an upper bound, comparable run to run.
 * Beside it the PSS sum (/proc/<pid>/smaps_rollup: each shared page divided among the processes that map it, so
 * shared pages count once overall), and at the RSS peak each process's share (ADR 0065).
 */
import { readFileSync } from 'node:fs';
import { cmdlineOf, processTree, rssBytes } from '../../scripts/lib/proc-tree.ts';

export { processTree };

/** One process at the peak: what it is (node entry or Chromium's --type), its RSS and PSS in bytes. */
export interface ProcMem { pid: number; kind: string; rss: number; pss: number }

export interface RssSample { t: number; bytes: number; pssBytes: number; processes: number; procs: ProcMem[] }

/** Proportional set size of one process (0 when gone or unreadable). */
export function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A short name for a process of the trees measured: the fleet's node entry, Chromium's process type, or the binary. */
export function kindOf(pid: number): string {
  // Chromium's helpers rewrite their command line into one space-separated string: split on both.
  const args = cmdlineOf(pid).split(/[\0 ]/).filter(Boolean);
  const type = args.find((a) => a.startsWith('--type='))?.slice(7);
  if (type) return type === 'utility' ? `utility:${args.find((a) => a.startsWith('--utility-sub-type='))?.split('.').at(-2) ?? '?'}` : type;
  const script = args.find((a) => /\.(m?js|ts)$/.test(a));
  if (script) return `node ${script.split('/').slice(-2).join('/')}`;
  const bin = args[0]?.split('/').at(-1) ?? '?';
  return /chrom/.test(args.join(' ')) ? 'browser' : bin;
}

export function treeRss(root: number, tree = true, pss = false): RssSample {
  const pids = tree ? processTree(root) : [root];
  const procs = pids.map((pid) => ({ pid, kind: '', rss: rssBytes(pid), pss: pss ? pssBytes(pid) : 0 }));
  return { t: Date.now(), bytes: procs.reduce((n, p) => n + p.rss, 0), pssBytes: procs.reduce((n, p) => n + p.pss, 0), processes: pids.length, procs };
}

export interface RssPeak {
  peakBytes: number; peakProcesses: number; samples: number; meanBytes: number;
  /** Peak of the PSS sum (0 unless sampled with pss). */
  peakPssBytes: number;
  /** Each process at the RSS peak, largest first (kinds read when the sampler stops, from the processes still there). */
  atPeak: ProcMem[];
}

export interface RssSampler {
  /** Stops sampling; returns the peak and the sample count. */
  stop(): RssPeak;
  /** Restarts the peak (between runs on the same node). */
  reset(): void;
}

/** `tree` false: the root process alone (the fleet's node process without its Chromium). `pss`: also read PSS. */
export function sampleRss(root: number, intervalMs = 250, tree = true, pss = false): RssSampler {
  let peak: RssSample = { t: 0, bytes: 0, pssBytes: 0, processes: 0, procs: [] };
  let peakPss = 0;
  let samples = 0;
  let total = 0;
  const kinds = new Map<number, string>();
  const take = (): void => {
    const s = treeRss(root, tree, pss);
    samples++;
    total += s.bytes;
    peakPss = Math.max(peakPss, s.pssBytes);
    if (s.bytes > peak.bytes) {
      peak = s;
      // Read while the processes live: a renderer of the peak may be gone by the end.
      for (const p of s.procs) if (!kinds.has(p.pid)) kinds.set(p.pid, kindOf(p.pid));
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const atPeak = peak.procs.map((p) => ({ ...p, kind: kinds.get(p.pid) ?? '?' })).sort((a, b) => b.rss - a.rss);
      return { peakBytes: peak.bytes, peakProcesses: peak.processes, samples, meanBytes: samples ? total / samples : 0, peakPssBytes: peakPss, atPeak };
    },
    reset() {
      peak = { t: 0, bytes: 0, pssBytes: 0, processes: 0, procs: [] };
      peakPss = 0;
      samples = 0;
      total = 0;
    },
  };
}

/** The processes at a peak summed by kind, in MB, for a log line: `{"node dist/main.mjs": 180, "renderer": 3 × 60, ...}`. */
export function byKind(procs: readonly ProcMem[], field: 'rss' | 'pss' = 'rss'): Record<string, string> {
  const groups = new Map<string, number[]>();
  for (const p of procs) groups.set(p.kind, [...(groups.get(p.kind) ?? []), p[field]]);
  return Object.fromEntries([...groups].map(([k, v]) => {
    const mb = v.reduce((a, b) => a + b, 0) / 2 ** 20;
    return [k, v.length > 1 ? `${Math.round(mb)} (${v.length})` : `${Math.round(mb)}`];
  }));
}
