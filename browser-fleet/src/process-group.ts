import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Live (non-zombie) members of a process group, read from /proc; empty where /proc does not
 * exist. A SIGKILL is delivered asynchronously, so callers wait on this to know the group is gone.
 */
export function liveInGroup(pgid: number): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // After the command (which may contain spaces, hence lastIndexOf): state, ppid, pgrp.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Resolves true once the group has no live member, false after `ms`. */
export async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (liveInGroup(pgid).length > 0) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
