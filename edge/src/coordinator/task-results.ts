/** A node's result for a task: its items and discovered pages (listing, level or detail page), or its failure. */
import { dedupeKeyOf } from '@trawl/engine/keys';
import { newId, type TaskResult } from '@trawl/schemas';
import { configOf } from '../env.ts';
import { seal } from '../lib/secret-box.ts';
import type { RunMeta } from './store.ts';
import { failureOf, judgeResult, planDiscovered, type TaskRow } from './machine.ts';
import { reportsNodeLoss } from './node-loss.ts';
import { afterResult } from './site-backoff.ts';
import { siteOf } from './politeness.ts';
import { sessionAad } from './session-store.ts';
import { emit, emitNodeEvents } from './event-stream.ts';
import { applyFailure, applyNodeLoss } from './task-failures.ts';
import { freeSlot } from './slots.ts';
import { pump } from './dispatch.ts';
import { taskStart } from './leases.ts';
import { mayHandBackNow } from './hand-back.ts';
import { settleAhead } from './ahead.ts';
import { requireMeta, withSite, type ResultAnswer, type RunContext } from './run-context.ts';

export async function taskResult(c: RunContext, taskId: string, result: TaskResult): Promise<ResultAnswer> {
  const applied = await applyResult(c, taskId, result);
  if (applied === 'not-found') return { ok: false, code: 'NOT_FOUND' };
  if (applied === 'lease-lost') return { ok: false, code: 'LEASE_LOST' };
  if (applied === 'duplicate') return { ok: true, duplicate: true };
  // A node with room gets the run's next task in the answer, unless another node has more room (hand-back.ts, ADR 0057).
  // A node that holds a task handed ahead of this page runs that one in the slot instead (ADR 0069).
  const handBack = result.acceptNext && !c.ahead.aheadOf(result.leaseToken) && await mayHandBackNow(c.env, c.live.nodeOf(taskId, result.leaseToken));
  const [next] = await pump(c, handBack ? 1 : 0);
  return { ok: true, duplicate: false, ...(next ? { next } : {}) };
}

export type ApplyStatus = 'applied' | 'duplicate' | 'lease-lost' | 'not-found';

/**
 * One result applied under its lease (idempotent: a repeat is a duplicate, a stale lease is refused); no dispatch
 * (the caller pumps once, for one result or a batch of them, ADR 0061). Its politeness slot is freed now, or, given
 * `ended`, left there for the caller to free with the batch's others.
 */
export async function applyResult(c: RunContext, taskId: string, result: TaskResult, ended?: TaskRow[]): Promise<ApplyStatus> {
  let task = c.store.getTask(taskId);
  const meta = c.store.getMeta();
  if (!task || !meta) return 'not-found';
  const verdict = judgeResult(task, result.leaseToken);
  if (verdict === 'duplicate') return 'duplicate';
  if (verdict === 'stale') return 'lease-lost';
  // A fast-path task's start comes with its result (ADR 0058): recorded first, under the same lease.
  if (result.startedOn && task.status === 'queued') {
    await taskStart(c, taskId, result.leaseToken, result.startedOn);
    task = c.store.getTask(taskId) ?? task;
  }
  if (result.events?.length) emitNodeEvents(c, task, result.events);
  const now = Date.now();
  await settleAhead(c, result.leaseToken, result.ahead, now);
  if (result.blocked?.length) c.store.addBlocked(taskId, task.attempt, result.blocked, now);
  c.render.record(siteOf(task.url), result.render);
  if (result.crawlDelayMs && meta.politeness) {
    const site = siteOf(task.url);
    const known = meta.politeness.crawlDelays?.[site] ?? 0;
    if (result.crawlDelayMs > known) {
      c.store.putMeta({ ...meta, politeness: { ...meta.politeness, crawlDelays: { ...meta.politeness.crawlDelays, [site]: result.crawlDelayMs } } });
      emit(c, { type: 'log', level: 'info', taskId, url: task.url, message: `robots.txt of ${site} asks for ${result.crawlDelayMs} ms between requests; spacing pages accordingly` });
    }
  }
  if (result.outcome === 'succeeded') {
    const sealed = await sealSession(c, meta, task, result);
    applySuccess(c, requireMeta(c), task, result, now, sealed);
    const m = requireMeta(c);
    c.store.putMeta(withSite(m, siteOf(task.url), afterResult(m.sites?.[siteOf(task.url)], m.spec.concurrency, true, now)));
  } else {
    const failure = failureOf(result, task.url);
    if (reportsNodeLoss(failure)) applyNodeLoss(c, task, failure.message, now);
    else applyFailure(c, task, failure, now);
  }
  if (ended) ended.push(task);
  else await freeSlot(c, task);
  return 'applied';
}

export function applySuccess(c: RunContext, meta: RunMeta, task: TaskRow, result: TaskResult, now: number, sealedSession: string | null = null): void {
  c.warningInputs.add(result.unparsed, result.dropped, result.framed, result.paginationUnfinished);
  c.warningInputs.addAmbiguous(result.ambiguous);
  c.warningInputs.addVisible(result.visibleDiffers);
  if (c.details.isDetail(task.taskId)) {
    applyDetailSuccess(c, task, result);
    return;
  }
  const level = c.graph.levelOf(task.taskId);
  if (level !== null) {
    applyLevelSuccess(c, meta, task, result, level, now);
    return;
  }
  const keyed = result.items.map((data, i) => ({ key: dedupeKeyOf(data, meta.spec.dedupeKey) ?? `${task.taskId}:${i}`, data }));
  const added = c.store.addItems(task.seq, task.url, keyed, meta.spec.limits.maxItems, meta.spec.dedupeKeep);
  const itemsFull = c.store.itemCount() >= meta.spec.limits.maxItems;
  const plan = planDiscovered(result.discovered, keyed.map((k) => (c.details.hasItem(k.key) ? k.key : null)),
    meta.spec.limits.maxPages - c.store.pageCount(), itemsFull, (url) => c.store.hasPage(url));
  for (const [reason, n] of Object.entries(plan.skipped)) c.details.bump(`skipped.${reason}`, n);
  const pages = plan.pages.map((url) => ({ taskId: newId('tsk'), url, depth: task.depth + 1 }));
  let discovered = c.store.addTasks(pages, now);
  if (meta.spec.session?.keep) c.sessions.link(pages.map((p) => p.taskId), task.taskId, task.url, sealedSession);
  discovered += c.details.addDetails(plan.details.map((d) => ({ taskId: newId('tsk'), url: d.url, depth: task.depth + 1, itemKey: d.itemKey })), now);
  c.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
  emit(c, {
    type: 'task.succeeded', taskId: task.taskId, url: task.url,
    message: `${result.items.length} item(s), ${added} new; ${discovered} page(s) discovered in ${Math.round(result.timings.totalMs)} ms`,
    data: { items: result.items.length, added, discovered, timings: result.timings, attempt: task.attempt, ...(result.proxyId ? { proxyId: result.proxyId } : {}) },
  });
}

/**
 * A navigation level's page: its pagination stays on the level, its links lead to the next level's pages (or,
 * from the last level, to listing pages). Each level's maxPages and the run's bound them; a URL is visited once.
 */
export function applyLevelSuccess(c: RunContext, meta: RunMeta, task: TaskRow, result: TaskResult, level: number, now: number): void {
  const levels = meta.spec.levels ?? [];
  const seen = new Set<string>();
  const groups: Array<[number | null, string[]]> = [[level, []], [level + 1 < levels.length ? level + 1 : null, []]];
  for (const d of result.discovered) {
    if (d.kind === 'detail') continue;
    if (seen.has(d.url) || c.store.hasPage(d.url)) { c.details.bump('skipped.duplicate'); continue; }
    seen.add(d.url);
    groups[d.kind === 'link' ? 1 : 0]![1].push(d.url);
  }
  let discovered = 0;
  for (const [to, urls] of groups) {
    const room = Math.max(0, Math.min(meta.spec.limits.maxPages - c.store.pageCount(), to === null ? Infinity : levels[to]!.maxPages - c.graph.countAt(to)));
    c.details.bump('skipped.maxPages', Math.max(0, urls.length - room));
    const tasks = urls.slice(0, room).map((url) => ({ taskId: newId('tsk'), url, depth: task.depth + 1 }));
    discovered += c.store.addTasks(tasks, now);
    if (to !== null) c.graph.mark(tasks.map((t) => t.taskId), to);
  }
  c.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
  emit(c, { type: 'task.succeeded', taskId: task.taskId, url: task.url,
    message: `level "${levels[level]?.name}": ${discovered} page(s) discovered in ${Math.round(result.timings.totalMs)} ms`,
    data: { level: levels[level]?.name, discovered, timings: result.timings, attempt: task.attempt } });
}

/**
 * A detail page's one item is merged into the listing items that link to it; with `rows`, its records replace
 * them (ADR 0040). A failed one leaves them as they are.
 */
export function applyDetailSuccess(c: RunContext, task: TaskRow, result: TaskResult): void {
  const { spec } = requireMeta(c);
  const rows = spec.detail?.rows;
  if (rows) {
    const [written, cut] = c.graph.expandRows(task.url, result.items, rows, spec.limits.maxItems);
    c.details.bump('skipped.maxItems', cut);
    c.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
    emit(c, { type: 'task.succeeded', taskId: task.taskId, url: task.url, message: `detail page: ${written} row record(s) in ${Math.round(result.timings.totalMs)} ms`,
      data: { detail: true, rows: written, timings: result.timings, attempt: task.attempt } });
    return;
  }
  const merged = c.details.mergeInto(task.url, result.items[0]);
  c.store.updateTask({ ...task, status: 'succeeded', leaseDeadline: null, error: null });
  emit(c, { type: 'task.succeeded', taskId: task.taskId, url: task.url, message: `detail page merged into ${merged} item(s) in ${Math.round(result.timings.totalMs)} ms`,
    data: { detail: true, merged, timings: result.timings, attempt: task.attempt, ...(result.proxyId ? { proxyId: result.proxyId } : {}) } });
}

/** The storage state a page left, sealed for its next pages (ADR 0041); null when the job keeps none or no key is set. */
export async function sealSession(c: RunContext, meta: RunMeta, task: TaskRow, result: TaskResult): Promise<string | null> {
  if (!meta.spec.session?.keep || !result.sessionState) return null;
  const key = configOf(c.env).credentialsKey;
  if (!key) {
    emit(c, { type: 'log', level: 'warn', taskId: task.taskId, url: task.url, message: 'The session cannot be kept: this deployment has no CREDENTIALS_KEY to seal it with; the next page starts without it' });
    return null;
  }
  return seal(key, sessionAad(meta.orgId, meta.runId, task.taskId), result.sessionState);
}
