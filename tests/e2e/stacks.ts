/**
 * Setup file of the e2e project: points `inject('edgeUrl')` and the other stack keys at this worker's own stack.
 * Vitest gives each of the project's workers a VITEST_POOL_ID from 1 to maxWorkers and runs one file per worker
 * at a time, so with one stack per worker every stack serves one file at a time, as the files expect.
 */
import { inject } from 'vitest';

interface WorkerState { providedContext: Record<string, unknown> }

const stacks = inject('stacks');
const own = stacks[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % stacks.length];
// inject() reads the worker state's providedContext; vitest has no public way to scope provided values per worker.
const state = (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__;
if (!state || !own) throw new Error('vitest worker state or stack not found: the e2e stack cannot be chosen');
Object.assign(state.providedContext, own);
