import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fleetPaths, signRequest, type Task } from '@trawl/schemas';

/**
 * A fleet node as its own OS process (src/main.ts, or src/supervisor.ts around it), as production runs it: a throw
 * that escapes a handler ends this process, not the test's. Its JSON log lines are kept for the test to read.
 */
export interface NodeProcess {
  child: ChildProcess;
  /** The node's URL from its "FLEET READY" line (the latest one: a supervised node prints it again on restart). */
  url: string;
  lines: string[];
  /** Resolves with the next "FLEET READY" URL printed after this call. */
  nextReady(timeoutMs?: number): Promise<string>;
  offer(task: Task): Promise<Response>;
  /** GET /health: status and body (null when the node does not answer). */
  health(): Promise<{ status: number; ok: boolean } | null>;
  stop(): Promise<void>;
}

const SRC = join(import.meta.dirname, '..', 'src');

/** `.mjs`: the built node (browser-fleet/dist, ADR 0065; the caller builds it first), as the stack and the image run it. */
export async function startNodeProcess(entry: 'main.ts' | 'supervisor.ts' | 'main.mjs' | 'supervisor.mjs', env: Record<string, string>): Promise<NodeProcess> {
  const args = entry.endsWith('.mjs') ? ['--enable-source-maps', join(SRC, '..', 'dist', entry)] : ['--import', 'tsx', join(SRC, entry)];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, FLEET_PORT: '0', FLEET_HEARTBEAT_MS: '500', FLEET_DRAIN_MS: '2000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let readyWaiters: Array<(url: string) => void> = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      const m = /^FLEET READY (\S+)/.exec(line);
      if (m?.[1]) {
        node.url = m[1];
        const waiting = readyWaiters;
        readyWaiters = [];
        for (const w of waiting) w(m[1]);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const nextReady = (timeoutMs = 30_000): Promise<string> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no FLEET READY line within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`)), timeoutMs);
    readyWaiters.push((url) => {
      clearTimeout(timer);
      resolve(url);
    });
  });
  const node: NodeProcess = {
    child, url: '', lines, nextReady,
    async offer(task) {
      const body = JSON.stringify(task);
      const headers = { 'content-type': 'application/json', ...(await signRequest(env.FLEET_SECRET ?? '', 'POST', fleetPaths.tasks, body)) };
      return fetch(`${node.url}${fleetPaths.tasks}`, { method: 'POST', headers, body });
    },
    async health() {
      try {
        const res = await fetch(`${node.url}${fleetPaths.health}`, { signal: AbortSignal.timeout(5000) });
        return { status: res.status, ok: ((await res.json()) as { ok: boolean }).ok };
      } catch {
        return null;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await nextReady();
  return node;
}

export { childPids } from '../../scripts/lib/proc-tree.ts';
