import { Worker } from 'node:worker_threads';
import { buildItems, usesPattern, type CollectOutput, type ExtractContext, type Extraction } from '@trawl/engine';
import { TrawlError, type TaskSpec } from '@trawl/schemas';
import { threadCpuMs } from './thread-cpu.ts';
import type { PostProcessJob } from './worker.ts';

/**
 * Post-processing of a spec with user patterns runs in a worker thread with a hard budget (ADR 0022). RE2JS makes
 * every pattern linear, but linear in a 50,000-character value times a large pattern is still seconds of
 * JavaScript: on the main thread that would stall /health, heartbeats and every other task of the node. The worker
 * runs at the lowest priority; a pass that uses more than its CPU budget (or outlives the task's time) fails its
 * task with PATTERN_TIMEOUT naming the field, the worker is terminated, the node goes on. Specs without patterns
 * stay inline (no copy, no thread hop).
 */
export const PATTERN_CPU_BUDGET_MS = 5000;
/** A cold worker loads the engine through tsx; that is start-up, not the pattern's time. */
const START_TIMEOUT_MS = 60_000;
const CHECK_EVERY_MS = 50;
const KEEP_IDLE = 1;
/** Built (dist/, ADR 0065): the worker is bundled beside main.mjs and runs as plain JavaScript; from the sources, under tsx. */
const BUILT = import.meta.url.endsWith('.mjs');
const WORKER_ENTRY = new URL(BUILT ? './post-process-worker.mjs' : './worker-entry.mjs', import.meta.url);
const WORKER_ARGS = BUILT ? ['--enable-source-maps'] : ['--import', 'tsx'];

type Reply = { ready: true; tid: number | null } | { ok: true; extraction: Extraction } | { ok: false; message: string };
interface PostWorker { worker: Worker; tid: number | null }

export interface PostProcessBudget {
  /** CPU time the pass may use (wall time where thread CPU time cannot be read). */
  cpuMs: number;
  /** Wall time the task has left. */
  wallMs: number;
}

const idle: PostWorker[] = [];

function startWorker(): Promise<PostWorker> {
  // From the sources the engine is TypeScript: the worker gets the tsx loader whether or not this process has it.
  const worker = new Worker(WORKER_ENTRY, { execArgv: WORKER_ARGS });
  worker.unref();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('post-processing worker did not start')), START_TIMEOUT_MS);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      void worker.terminate();
      reject(e);
    };
    worker.once('error', fail);
    worker.once('message', (m: Reply) => {
      clearTimeout(timer);
      worker.off('error', fail);
      if (!('ready' in m)) return fail(new Error('post-processing worker sent no ready message'));
      const w: PostWorker = { worker, tid: m.tid };
      // A worker that ends while idle (terminated, crashed) must not be handed a job.
      worker.once('exit', () => {
        const i = idle.indexOf(w);
        if (i >= 0) idle.splice(i, 1);
      });
      resolve(w);
    });
  });
}

function timeoutError(fields: string[], what: string): TrawlError {
  const names = fields.join(', ');
  return new TrawlError('PATTERN_TIMEOUT', `post-processing of ${fields.length === 1 ? 'field' : 'fields'} ${names} ${what}`, fields.length === 1 ? { field: fields[0] } : { fields });
}

/** Runs one job on a worker; past its budget the worker is terminated and the job fails with PATTERN_TIMEOUT. */
function runOnWorker(w: PostWorker, job: PostProcessJob, budget: PostProcessBudget, fields: string[]): Promise<Extraction> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = w.tid === null ? null : threadCpuMs(w.tid);
    const done = (): void => {
      clearInterval(check);
      w.worker.off('message', onMessage);
      w.worker.off('error', onError);
      w.worker.off('exit', onExit);
    };
    const check = setInterval(() => {
      const wall = performance.now() - t0;
      const now = w.tid === null || cpu0 === null ? null : threadCpuMs(w.tid);
      const cpu = now === null || cpu0 === null ? wall : now - cpu0;
      if (cpu <= budget.cpuMs && wall <= budget.wallMs) return;
      done();
      void w.worker.terminate();
      reject(timeoutError(fields, cpu > budget.cpuMs ? `used more than ${budget.cpuMs} ms of CPU on this page` : `outlasted the task's ${Math.round(budget.wallMs)} ms left`));
    }, CHECK_EVERY_MS);
    const onMessage = (m: Reply): void => {
      done();
      if ('ready' in m) return reject(new Error('unexpected ready message'));
      if (idle.length < KEEP_IDLE) idle.push(w);
      else void w.worker.terminate();
      if (m.ok) resolve(m.extraction);
      else reject(new Error(`post-processing failed: ${m.message}`));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`post-processing worker exited with ${code}`));
    };
    w.worker.on('message', onMessage);
    w.worker.once('error', onError);
    w.worker.once('exit', onExit);
    w.worker.postMessage(job);
  });
}

/** Items from the collector's raw values: inline without user patterns, in a worker within the budget with them. */
export async function postProcess(raw: CollectOutput, spec: Pick<TaskSpec, 'fields'>, ctx: ExtractContext, budget: PostProcessBudget): Promise<Extraction> {
  const fields = Object.entries(spec.fields).filter(([, f]) => usesPattern(f)).map(([name]) => name);
  if (!fields.length) return buildItems(raw, spec, ctx);
  const w = idle.pop() ?? await startWorker();
  return runOnWorker(w, { raw, fields: spec.fields, ctx }, budget, fields);
}
