import { JobSpec, Task, detailTaskSpecOf, initialUrls, retryAllowed, taskSpecOf, type Failure, type ItemData, type JobSpecInput } from '@trawl/schemas';
import { dedupeKeyOf } from '@trawl/engine';
import type { ContextSource } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';

export interface HarnessRun {
  items: ItemData[];
  failures: Failure[];
  /** Attempts per URL, in order. */
  attempts: Map<string, number>;
}

/**
 * A job run in-process, without the edge: the coordinator's decisions in their simplest form (frontier, dedupe by
 * key, retries per the job's policy without waiting, detail fields merged into their listing item). Lets the fleet
 * tests check a pattern's exact records through the real runner and Chromium.
 */
export async function runJob(input: JobSpecInput, pool: ContextSource): Promise<HarnessRun> {
  const spec = JobSpec.parse(input);
  const queue: Array<{ url: string; kind: 'page' | 'detail'; parent?: string }> = initialUrls(spec).map((url) => ({ url, kind: 'page' }));
  const seen = new Set(queue.map((q) => q.url));
  const items = new Map<string, ItemData>();
  const failures: Failure[] = [];
  const attempts = new Map<string, number>();
  for (let i = 0; i < queue.length && i < 200; i++) {
    const entry = queue[i]!;
    const taskSpec = entry.kind === 'detail' ? detailTaskSpecOf(spec)! : taskSpecOf(spec);
    for (let attempt = 1; ; attempt++) {
      attempts.set(entry.url, attempt);
      const task = Task.parse({
        runId: 'run_h', orgId: 'org_h', taskId: `tsk_${i}`, attempt, leaseToken: `l_${i}_${attempt}`, url: entry.url, depth: 0, kind: entry.kind,
        spec: taskSpec, deadline: Date.now() + spec.limits.taskTimeoutMs, edgeUrl: 'http://127.0.0.1:9', leaseMs: 3000,
      });
      const result = await runTask(task, pool, { nodeId: 'nod_h' });
      if (result.outcome === 'failed') {
        failures.push(result.error!);
        if (retryAllowed(spec.retry, result.error!.code) && attempt < spec.retry.maxAttempts) continue;
        break;
      }
      if (entry.kind === 'detail') {
        const parent = items.get(entry.parent!);
        if (parent && result.items[0]) items.set(entry.parent!, { ...parent, ...result.items[0] });
        break;
      }
      const keys = result.items.map((it, n) => dedupeKeyOf(it, spec.dedupeKey) ?? `${i}:${n}`);
      result.items.forEach((it, n) => { if (!items.has(keys[n]!)) items.set(keys[n]!, it); });
      for (const d of result.discovered) {
        if (d.kind === 'detail') queue.push({ url: d.url, kind: 'detail', parent: keys[d.item] });
        else if (!seen.has(d.url)) {
          seen.add(d.url);
          queue.push({ url: d.url, kind: 'page' });
        }
      }
      break;
    }
  }
  return { items: [...items.values()], failures, attempts };
}
