import { readFileSync, readlinkSync } from 'node:fs';

/**
 * CPU time of one thread, for the post-processing budget. A budget in wall time would be spent by whatever else the
 * machine runs (the worker runs at the lowest priority on purpose); CPU time is what the pattern itself costs.
 * Linux only (/proc): elsewhere both answer null and the budget falls back to wall time.
 */
const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the fleet runs on

/** The calling thread's id (a thread is a task on Linux), or null. */
export function currentThreadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return null;
  }
}

/** CPU milliseconds (user + system) a thread of this process has used, or null when it cannot be read. */
export function threadCpuMs(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
