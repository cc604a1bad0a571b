/**
 * Setup file of the e2e project: points `inject('edgeUrl')` and the other stack keys at a stack no other running
 * file is using. Each e2e file runs in a process of its own (vitest isolates files) and at most E2E_STACKS run at
 * once; a file claims a free stack with a lock file (created exclusively, holding its pid), released when its
 * process exits, taken over when that process is gone. So every stack serves one file at a time, as the files
 * expect (a file that kills fleet nodes disturbs only its own stack). VITEST_POOL_ID cannot be used for this: vitest
 * gives every fork the same one.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

interface WorkerState { providedContext: Record<string, unknown> }

const alive = (pid: number) => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

async function claimStack(lockDir: string, count: number): Promise<number> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    for (let i = 0; i < count; i++) {
      const lock = join(lockDir, `stack-${i}.lock`);
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        process.once('exit', () => rmSync(lock, { force: true }));
        return i;
      } catch {
        // Held: by a live file, or by one whose process ended without removing it (then it is free).
        const holder = Number(readFileSync(lock, 'utf8') || '0');
        if (holder > 0 && !alive(holder)) rmSync(lock, { force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`no e2e stack came free within 180 s (${count} stacks, locks in ${lockDir})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const stacks = inject('stacks');
const own = stacks[await claimStack(inject('stackLockDir'), stacks.length)];
// inject() reads the worker state's providedContext; vitest has no public way to scope provided values per worker.
const state = (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__;
if (!state || !own) throw new Error('vitest worker state or stack not found: the e2e stack cannot be chosen');
Object.assign(state.providedContext, own);
