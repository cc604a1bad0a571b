import { Worker } from 'node:worker_threads';
import { buildItems, usesPattern, type CollectOutput, type ExtractContext, type Extraction } from '@trawl/engine';
import { TrawlError, type TaskSpec } from '@trawl/schemas';
import type { PostProcessJob } from './worker.ts';

/**
 * Post-processing of a spec with user patterns runs in a worker thread with a hard time budget (ADR 0022). RE2JS
 * makes every pattern linear, but linear in a 50,000-character value times a large pattern is still seconds of
 * JavaScript: on the main thread that would stall /health, heartbeats and every other task of the node. A pass that
 * outlasts its budget fails its task with PATTERN_TIMEOUT, naming the field; the worker is terminated, the node
 * goes on. Specs without patterns stay inline (no copy, no thread hop).
 */
export const PATTERN_BUDGET_MS = 5000;
/** A cold worker loads the engine through tsx; that is start-up, not the pattern's time. */
const START_TIMEOUT_MS = 30_000;
const KEEP_IDLE = 1;

type Reply = { ready: true } | { ok: true; extraction: Extraction } | { ok: false; message: string };

const idle: Worker[] = [];

function startWorker(): Promise<Worker> {
  // The engine is TypeScript: the worker gets the tsx loader whether or not this process was started with it.
  const w = new Worker(new URL('./worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  w.unref();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('post-processing worker did not start')), START_TIMEOUT_MS);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      void w.terminate();
      reject(e);
    };
    w.once('error', fail);
    w.once('message', (m: Reply) => {
      clearTimeout(timer);
      w.off('error', fail);
      if ('ready' in m) resolve(w);
      else fail(new Error('post-processing worker sent no ready message'));
    });
  });
}

/** Runs one job on a worker; rejects with PATTERN_TIMEOUT after budgetMs (and terminates that worker). */
function runOnWorker(w: Worker, job: PostProcessJob, budgetMs: number, fields: string[]): Promise<Extraction> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
    };
    const timer = setTimeout(() => {
      done();
      void w.terminate();
      const names = fields.join(', ');
      reject(new TrawlError('PATTERN_TIMEOUT', `post-processing of ${fields.length === 1 ? 'field' : 'fields'} ${names} took more than ${budgetMs} ms on this page`,
        fields.length === 1 ? { field: fields[0] } : { fields }));
    }, budgetMs);
    const onMessage = (m: Reply): void => {
      done();
      if ('ready' in m) return reject(new Error('unexpected ready message'));
      if (idle.length < KEEP_IDLE) idle.push(w);
      else void w.terminate();
      if (m.ok) resolve(m.extraction);
      else reject(new Error(`post-processing failed: ${m.message}`));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.postMessage(job);
  });
}

/** Items from the collector's raw values: inline without user patterns, in a worker within budgetMs with them. */
export async function postProcess(raw: CollectOutput, spec: Pick<TaskSpec, 'fields'>, ctx: ExtractContext, budgetMs = PATTERN_BUDGET_MS): Promise<Extraction> {
  const fields = Object.entries(spec.fields).filter(([, f]) => usesPattern(f)).map(([name]) => name);
  if (!fields.length) return buildItems(raw, spec, ctx);
  const w = idle.pop() ?? await startWorker();
  return runOnWorker(w, { raw, fields: spec.fields, ctx }, budgetMs, fields);
}
