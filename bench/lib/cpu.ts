/**
 * CPU time from /proc, in seconds: a process tree's (utime + stime + cutime + cstime over the live
 * processes, so descendants that already exited and were reaped inside the tree still count) and
 * the whole machine's busy time (/proc/stat), to show how much CPU went to everything else.
 */
import { readFileSync } from 'node:fs';
import { processTree } from './rss.ts';

const HZ = 100; // USER_HZ on Linux

export function procCpuSeconds(pid: number, withChildren = true): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    const own = Number(f[11]) + Number(f[12]);
    return (withChildren ? own + Number(f[13]) + Number(f[14]) : own) / HZ;
  } catch {
    return 0;
  }
}

export function treeCpuSeconds(root: number, exclude: ReadonlySet<number> = new Set()): number {
  return processTree(root).filter((p) => !exclude.has(p)).reduce((n, p) => n + procCpuSeconds(p), 0);
}

/** Busy CPU seconds of the whole machine since boot (all cores). */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return (user + nice + system + irq + softirq + steal) / HZ;
}

export const loadAverage = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

export interface CpuMeter {
  /** CPU seconds used since start by each tree and by the machine as a whole. */
  stop(): Record<string, number> & { machine: number; wallS: number; loadStart: number; loadEnd: number };
}

/** Measures CPU seconds of named roots over an interval. A function root is read at each end (its tree may change). */
export function meterCpu(roots: Record<string, () => number>): CpuMeter {
  const t0 = performance.now();
  const loadStart = loadAverage();
  const m0 = machineBusySeconds();
  const start = Object.fromEntries(Object.entries(roots).map(([k, f]) => [k, f()]));
  return {
    stop() {
      const out: Record<string, number> = {};
      for (const [k, f] of Object.entries(roots)) out[k] = Math.round((f() - (start[k] ?? 0)) * 100) / 100;
      return { ...out, machine: Math.round((machineBusySeconds() - m0) * 100) / 100, wallS: Math.round((performance.now() - t0) / 10) / 100, loadStart, loadEnd: loadAverage() };
    },
  };
}
