import { parentPort } from 'node:worker_threads';
import { buildItems, type CollectOutput, type ExtractContext } from '@trawl/engine';
import type { TaskSpec } from '@trawl/schemas';
import { currentThreadId } from './thread-cpu.ts';

/** One extraction pass's post-processing, off the node's main thread (pool.ts says why). */
export interface PostProcessJob {
  raw: CollectOutput;
  fields: TaskSpec['fields'];
  ctx: ExtractContext;
}

const port = parentPort;
if (!port) throw new Error('post-process/worker.ts runs as a worker thread');
port.on('message', (job: PostProcessJob) => {
  try {
    port.postMessage({ ok: true, extraction: buildItems(job.raw, { fields: job.fields }, job.ctx) });
  } catch (e) {
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
port.postMessage({ ready: true, tid: currentThreadId() });
