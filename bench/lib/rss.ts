/**
 * Memory of a process tree from /proc: every `intervalMs`, the sum of VmRSS over a root pid and
 * all its descendants (found by walking PPid links, so detached children such as the fleet's
 * Chromium, which leads its own process group, are included). Pages shared between processes
 * (Chromium's shared libraries, the zygote's copy-on-write pages) are counted once per process,
 * so the sum overstates the physical memory in use; it is an upper bound, comparable run to run.
 */
import { processTree, rssBytes } from '../../scripts/lib/proc-tree.ts';

export { processTree };

export interface RssSample { t: number; bytes: number; processes: number }

export function treeRss(root: number, tree = true): RssSample {
  const pids = tree ? processTree(root) : [root];
  return { t: Date.now(), bytes: pids.reduce((n, p) => n + rssBytes(p), 0), processes: pids.length };
}

export interface RssSampler {
  /** Stops sampling; returns the peak and the sample count. */
  stop(): { peakBytes: number; peakProcesses: number; samples: number; meanBytes: number };
  /** Restarts the peak (between runs on the same node). */
  reset(): void;
}

/** `tree` false: the root process alone (the fleet's node process without its Chromium). */
export function sampleRss(root: number, intervalMs = 250, tree = true): RssSampler {
  let peak: RssSample = { t: 0, bytes: 0, processes: 0 };
  let samples = 0;
  let total = 0;
  const take = (): void => {
    const s = treeRss(root, tree);
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
