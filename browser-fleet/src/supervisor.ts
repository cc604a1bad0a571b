import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { edgeInternalPaths, randomString, type TaskResult } from '@trawl/schemas';
import { EdgeClient } from './edge-client.ts';
import { createLogger, messageOf, type Logger } from './log.ts';
import { isTaskMessage, type TaskRef } from './task-messages.ts';

/**
 * Runs the fleet node (main.ts) as a child process and starts it again when it dies (issue #9). The child tells
 * the supervisor over IPC which tasks it holds; when it dies the supervisor posts each one's failure to the edge at
 * once (NODE_LOST, exactly what lease expiry would record, only without the wait), so the coordinators dispatch
 * them again now, on their node-loss budget rather than the job's retry policy (ADR 0048). The restarted child keeps the node id. Signals are passed on; the supervisor exits
 * with the child when it was asked to stop.
 */
export interface SupervisorOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** First restart delay (default 500 ms); doubled while the child keeps dying within a minute of its start, up to 30 s. */
  restartMs?: number;
}

const STABLE_MS = 60_000;
/**
 * Built (dist/supervisor.mjs, ADR 0065): the node process is dist/main.mjs under plain node, its stack traces mapped
 * back to src/. From the sources (tests): src/main.ts under tsx.
 */
const BUILT = import.meta.filename.endsWith('.mjs');
const NODE_ENTRY = BUILT ? 'main.mjs' : 'main.ts';
const CONFIG_EXIT = 2;
/**
 * V8's young generation of the node process, per semi-space, in MB (ADR 0067). Left to itself V8 grew it to 2 x 64 MB
 * in a browser run (~100 MB resident, a third of the process); at 16 the process peaked ~75 MB lower with no
 * measurable CPU cost, while 8 and 4 cost node CPU at concurrency 4 (bench/RESULTS.md). 0 leaves V8's own sizing.
 */
export const SEMI_SPACE_ENV = 'FLEET_NODE_SEMI_SPACE_MB';
const SEMI_SPACE_DEFAULT_MB = 16;

/** Thrown for a bad value of a variable the supervisor reads itself; it exits with CONFIG_EXIT like main.ts. */
export class SupervisorConfigError extends Error {}

/** The node process's Node flags: how it is run (built or sources) and its young-generation cap. */
export function nodeExecArgv(env: NodeJS.ProcessEnv, built = BUILT): string[] {
  const raw = env[SEMI_SPACE_ENV]?.trim() || String(SEMI_SPACE_DEFAULT_MB);
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > 256) throw new SupervisorConfigError(`${SEMI_SPACE_ENV}: must be a whole number of MB from 0 to 256, got "${raw}"`);
  const semi = Number(raw) > 0 ? [`--max-semi-space-size=${raw}`] : [];
  return [...(built ? ['--enable-source-maps'] : ['--import', 'tsx']), ...semi];
}
const MAX_DELAY_MS = 30_000;
/** How long reporting the lost tasks may take before the restart goes ahead anyway. */
const REPORT_MS = 10_000;

export function supervise(opts: SupervisorOptions): { stop(signal: NodeJS.Signals): void; done: Promise<number> } {
  // The node id is pinned here, so every restart of the node registers as the same node.
  const env: NodeJS.ProcessEnv & { FLEET_NODE_ID: string } = { ...opts.env, FLEET_NODE_ID: opts.env.FLEET_NODE_ID || `nod_${randomString(10)}` };
  const execArgv = nodeExecArgv(env);
  const log = opts.log.child({ nodeId: env.FLEET_NODE_ID, component: 'supervisor' });
  const edge = env.FLEET_SECRET ? new EdgeClient(env.FLEET_SECRET, env.FLEET_NODE_ID, log) : null;
  let child: ChildProcess | null = null;
  let stopping = false;
  let quickDeaths = 0;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => { finish = resolve; });

  const start = (): void => {
    const held = new Map<string, TaskRef>();
    const startedAt = Date.now();
    const c = fork(join(import.meta.dirname, NODE_ENTRY), [], { env, execArgv, stdio: 'inherit' });
    child = c;
    log.info('fleet node process started', { pid: c.pid });
    c.on('message', (m: unknown) => {
      if (!isTaskMessage(m)) return;
      if (m.phase === 'started') held.set(`${m.task.taskId}:${m.task.leaseToken}`, m.task);
      else held.delete(`${m.task.taskId}:${m.task.leaseToken}`);
    });
    c.once('exit', (code, signal) => {
      child = null;
      if (stopping) return finish(code ?? 1);
      // Bad configuration (main.ts exits 2) does not get better by restarting.
      if (code === CONFIG_EXIT) return finish(code);
      log.error('fleet node process died; reporting its tasks and restarting it', { code, signal, tasks: held.size });
      const how = signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
      void Promise.race([reportLost([...held.values()], how), new Promise((r) => setTimeout(r, REPORT_MS))]).then(() => {
        quickDeaths = Date.now() - startedAt > STABLE_MS ? 0 : quickDeaths + 1;
        const wait = Math.min(MAX_DELAY_MS, (opts.restartMs ?? 500) * 2 ** Math.max(0, quickDeaths - 1));
        if (stopping) return finish(code ?? 1);
        setTimeout(() => (stopping ? finish(code ?? 1) : start()), wait);
      });
    });
  };

  /** Each task the dead process held, failed at the edge now instead of at its lease's end. */
  async function reportLost(tasks: TaskRef[], how: string): Promise<void> {
    if (!edge) return;
    await Promise.all(tasks.map(async (t) => {
      const result: TaskResult = {
        leaseToken: t.leaseToken, attempt: t.attempt, nodeId: env.FLEET_NODE_ID, outcome: 'failed', items: [], discovered: [], timings: { totalMs: 0 },
        error: { code: 'NODE_LOST', message: `the fleet node process died (${how}) while running the task`, url: t.url, attempt: t.attempt },
      };
      const a = await edge.call(t.edgeUrl, edgeInternalPaths.taskResult(t.runId, t.taskId), result).catch((e: unknown) => ({ kind: 'retry' as const, reason: messageOf(e) }));
      log[a.kind === 'ok' ? 'info' : 'warn'](`lost task reported: ${a.kind}`, { runId: t.runId, taskId: t.taskId });
    }));
  }

  start();
  return {
    done,
    stop(signal) {
      if (stopping) return;
      stopping = true;
      if (child) child.kill(signal);
      else finish(0);
    },
  };
}

// Entry point: `node --enable-source-maps dist/supervisor.mjs` (npm run dev, the fleet image; build.mjs builds it).
if (process.argv[1] === import.meta.filename) {
  let s: ReturnType<typeof supervise>;
  try {
    s = supervise({ env: process.env, log: createLogger({}) });
  } catch (e) {
    process.stderr.write(`${messageOf(e)}\n`);
    process.exit(e instanceof SupervisorConfigError ? CONFIG_EXIT : 1);
  }
  process.on('SIGTERM', () => s.stop('SIGTERM'));
  process.on('SIGINT', () => s.stop('SIGINT'));
  process.exit(await s.done);
}
