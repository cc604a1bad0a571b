/** A node's calls on a task it holds: start, heartbeat, events, hand-back, and the signed login and session lookups; each only for the current lease. */
import { isFinalStatus, type JobProxy, type RunEventInput } from '@trawl/schemas';
import { leaseIsCurrent } from './machine.ts';
import { markRunRunning } from './run-rows.ts';
import type { LiveTask } from './live-tasks.ts';
import { emit, emitNodeEvents } from './event-stream.ts';
import { applyNodeLoss } from './task-failures.ts';
import { startedElsewhere } from './node-loss.ts';
import { freeSlot } from './slots.ts';
import { handAhead, pump } from './dispatch.ts';
import { leaseMs, requireMeta, type LeaseAnswer, type RunContext, type StartAnswer } from './run-context.ts';

/**
 * A node starts a lease. `ahead`: the node would hold the run's next browser task while this page runs (ADR 0069);
 * the answer carries it when the first start of a browser page may have one.
 */
export async function taskStart(c: RunContext, taskId: string, leaseToken: string, nodeId: string, ahead = false): Promise<StartAnswer> {
  // A lease runs on one node: a copy of the task delivered to a second node stops at its start (node-loss.ts).
  if (startedElsewhere(c.live.nodeOf(taskId, leaseToken), nodeId)) return { ok: false, code: 'LEASE_LOST' };
  const answer = renewLease(c, taskId, leaseToken);
  const task = c.store.getTask(taskId);
  if (answer.ok) c.live.started(taskId, nodeId, leaseToken, Date.now());
  if (answer.ok && task && task.status === 'queued') {
    c.store.updateTask({ ...task, status: 'running' });
    // The lease just got shorter than the dispatch timeout: wake up in time to notice a dead node.
    const alarm = await c.ctx.storage.getAlarm();
    if (task.leaseDeadline !== null && (alarm === null || alarm > task.leaseDeadline)) await c.ctx.storage.setAlarm(task.leaseDeadline);
    const meta = requireMeta(c);
    if (meta.status === 'queued') {
      c.store.putMeta({ ...meta, status: 'running', startedAt: Date.now() });
      emit(c, { type: 'run.started', message: 'First task started' });
      c.ctx.waitUntil(markRunRunning(c.env, requireMeta(c)));
    }
    const handedAhead = c.ahead.afterOf(leaseToken) !== null;
    emit(c, { type: 'task.started', message: `Attempt ${task.attempt} started on ${nodeId}${handedAhead ? ' (handed ahead)' : ''}`, taskId, url: task.url,
      data: { nodeId, attempt: task.attempt, policyAttempt: task.failures + 1, ...(handedAhead ? { ahead: true } : {}) } });
    const next = ahead && !c.fastLeases.has(leaseToken) ? await handAhead(c, task, nodeId) : null;
    if (next) return { ...answer, next };
  }
  return answer;
}

export function renewLease(c: RunContext, taskId: string, leaseToken: string): LeaseAnswer {
  const task = c.store.getTask(taskId);
  if (!task) return { ok: false, code: 'NOT_FOUND' };
  if (!leaseIsCurrent(task, leaseToken) || isFinalStatus(requireMeta(c).status)) return { ok: false, code: 'LEASE_LOST' };
  c.store.updateTask({ ...task, leaseDeadline: Date.now() + leaseMs(c) });
  return { ok: true, leaseMs: leaseMs(c) };
}

export function taskHeartbeat(c: RunContext, taskId: string, leaseToken: string): LeaseAnswer {
  return renewLease(c, taskId, leaseToken);
}

export function taskEvents(c: RunContext, taskId: string, leaseToken: string, events: RunEventInput[]): LeaseAnswer {
  const task = c.store.getTask(taskId);
  if (!task) return { ok: false, code: 'NOT_FOUND' };
  if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
  emitNodeEvents(c, task, events);
  return { ok: true, leaseMs: leaseMs(c) };
}

/** A draining node hands a task back: dispatch it again soon, without spending an attempt. */
export async function taskRelease(c: RunContext, taskId: string, leaseToken: string, reason: string): Promise<LeaseAnswer> {
  const task = c.store.getTask(taskId);
  if (!task) return { ok: false, code: 'NOT_FOUND' };
  if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
  c.store.updateTask({ ...task, status: 'pending', leaseToken: null, leaseDeadline: null, notBefore: Date.now() });
  emit(c, { type: 'task.released', level: 'warn', message: `Task handed back: ${reason}`, taskId, url: task.url });
  await freeSlot(c, task);
  await pump(c);
  return { ok: true, leaseMs: leaseMs(c) };
}

/** The dead-letter consumer's report: no node took the task after every queue retry. */
export async function dispatchFailed(c: RunContext, taskId: string, leaseToken: string): Promise<void> {
  const task = c.store.getTask(taskId);
  if (!task || !leaseIsCurrent(task, leaseToken)) return;
  applyNodeLoss(c, task, 'no fleet node accepted the task after every queue retry', Date.now());
  await freeSlot(c, task);
  await pump(c);
}

/** For the signed login and proxy calls: the run's organization, login and proxies, only for the task's current lease. */
export function loginRef(c: RunContext, taskId: string, leaseToken: string): { ok: true; orgId: string; loginId: string | null; proxy: JobProxy | null } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' } {
  const task = c.store.getTask(taskId);
  const meta = c.store.getMeta();
  if (!task || !meta) return { ok: false, code: 'NOT_FOUND' };
  if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
  return { ok: true, orgId: meta.orgId, loginId: meta.spec.login?.id ?? null, proxy: meta.spec.proxy ?? null };
}

/** For the signed session call: the sealed state a task starts with, only for its current lease. */
export function sessionRef(c: RunContext, taskId: string, leaseToken: string): { ok: true; orgId: string; runId: string; fromTask: string | null; stateEnc: string | null } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' } {
  const task = c.store.getTask(taskId);
  const meta = c.store.getMeta();
  if (!task || !meta) return { ok: false, code: 'NOT_FOUND' };
  if (!leaseIsCurrent(task, leaseToken)) return { ok: false, code: 'LEASE_LOST' };
  const kept = c.sessions.get(taskId);
  return { ok: true, orgId: meta.orgId, runId: meta.runId, fromTask: kept?.fromTask ?? null, stateEnc: kept?.stateEnc ?? null };
}

/** Tasks running now and the node of each (the live view's, ADR 0044). */
export function liveTasksOf(c: RunContext): LiveTask[] {
  return c.live.running();
}
