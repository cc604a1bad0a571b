/**
 * Process trees from Linux /proc, for the stack, the tests and the benchmarks: parents are read from
 * /proc/<pid>/stat, so detached children (the fleet's Chromium leads its own process group) are included.
 */
import { readdirSync, readFileSync } from 'node:fs';

function ppidOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesised and may contain spaces: fields start after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // the process ended while we looked
  }
}

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = ppidOf(name);
    if (ppid === null) continue;
    const list = children.get(ppid);
    if (list) list.push(Number(name));
    else children.set(ppid, [Number(name)]);
  }
  return children;
}

/** Pids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  return childrenByParent().get(pid) ?? [];
}

/** The root and every descendant alive now. */
export function processTree(root: number): number[] {
  const children = childrenByParent();
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Resident memory of one process in bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The command line of a process, arguments joined by NUL ('' when it is gone). */
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
