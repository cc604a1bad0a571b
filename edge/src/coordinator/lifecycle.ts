/** The run's life: start (the frontier's first pages), its snapshot, cancel, the alarm (deadline, expired leases), and the retention purge. */
import { initialUrls, isFinalStatus, newId } from '@trawl/schemas';
import type { RunMeta } from './store.ts';
import { expiredLeases } from './machine.ts';
import { expiryOf } from './node-loss.ts';
import { strandedAhead } from './ahead.ts';
import { emit } from './event-stream.ts';
import { countsOf, runWarnings } from './run-figures.ts';
import { applyNodeLoss } from './task-failures.ts';
import { freeSlot } from './slots.ts';
import { pump } from './dispatch.ts';
import { finish, notifyEnd, persist } from './finishing.ts';
import { requireMeta, type RunContext, type RunInit, type RunSnapshot } from './run-context.ts';

export async function startRun(c: RunContext, init: RunInit): Promise<RunSnapshot> {
  const existing = c.store.getMeta();
  if (existing) return snapshotOf(c);
  const now = Date.now();
  const meta: RunMeta = {
    ...init, status: 'queued', startedAt: null, finishedAt: null, deadline: now + init.spec.limits.runTimeoutMs,
    error: null, retries: 0, items: 0, persisted: false, cancelRequested: false,
  };
  c.store.putMeta(meta);
  const urls = initialUrls(init.spec).slice(0, init.spec.levels?.[0]?.maxPages);
  const first = urls.map((url) => ({ taskId: newId('tsk'), url, depth: 0 }));
  c.store.addTasks(first, now);
  // With levels, the start URLs are the first level's pages (ADR 0040).
  if (init.spec.levels) c.graph.mark(first.map((t) => t.taskId), 0);
  emit(c, { type: 'run.queued', message: `Run queued with ${urls.length} start URL(s), concurrency ${init.spec.concurrency}` });
  const p = init.politeness;
  if (p && init.spec.concurrency > Math.min(p.siteMaxConcurrent, p.orgMaxTasksInFlight)) {
    emit(c, { type: 'log', level: 'warn', message: `The job asks for concurrency ${init.spec.concurrency}, but the organization's limits allow ${p.siteMaxConcurrent} page(s) at once per site and ${p.orgMaxTasksInFlight} in all; pages beyond that wait for a slot (see /v1/policy)`,
      data: { concurrency: init.spec.concurrency, siteMaxConcurrent: p.siteMaxConcurrent, orgMaxTasksInFlight: p.orgMaxTasksInFlight } });
  }
  await pump(c);
  return snapshotOf(c);
}

export function snapshotOf(c: RunContext): RunSnapshot {
  const meta = requireMeta(c);
  return { status: meta.status, counts: countsOf(c, meta), startedAt: meta.startedAt, finishedAt: meta.finishedAt, error: meta.error, warnings: runWarnings(c, meta) };
}

export async function cancelRun(c: RunContext): Promise<RunSnapshot> {
  const meta = requireMeta(c);
  if (!isFinalStatus(meta.status)) await finish(c, { kind: 'cancelled' });
  return snapshotOf(c);
}

export async function onAlarm(c: RunContext): Promise<void> {
  const meta = c.store.getMeta();
  if (!meta) return;
  const now = Date.now();
  if (isFinalStatus(meta.status)) {
    if (!meta.persisted) return persist(c);
    // A persisted run wakes only for the end notifications a failure left (end-notices.ts, ADR 0066).
    const retryAt = await notifyEnd(c);
    if (retryAt !== null) await c.ctx.storage.setAlarm(retryAt);
    return;
  }
  if (now >= meta.deadline) {
    await finish(c, { kind: 'timeout' });
    return;
  }
  const expired = expiredLeases(c.store.liveTasks(), now);
  for (const t of expired) {
    applyNodeLoss(c, t, expiryOf(t.status).reason, now);
    await freeSlot(c, t);
  }
  for (const t of strandedAhead(expired, c.ahead, (id) => c.store.getTask(id))) {
    applyNodeLoss(c, t, 'its fleet node was lost before the page it was handed ahead of was done', now);
    await freeSlot(c, t);
  }
  await pump(c);
}

/**
 * The retention sweep's delete (ADR 0047): every row and the alarm go, for an ended run only. Answers whether
 * there was anything, so the sweep counts real deletions; the object is empty after and answers nothing more.
 */
export async function purgeRun(c: RunContext): Promise<{ purged: boolean }> {
  const meta = c.store.getMeta();
  if (meta && !isFinalStatus(meta.status)) return { purged: false };
  await c.ctx.storage.deleteAlarm();
  await c.ctx.storage.deleteAll();
  return { purged: meta !== null };
}

/** What the egress policy refused during the run (host, resolved address, reason, resource type). */
export function blockedRequestsOf(c: RunContext, limit: number) {
  return c.store.blockedRequests(Math.min(limit, 1000));
}
