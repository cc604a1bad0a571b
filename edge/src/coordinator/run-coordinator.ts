import { DurableObject } from 'cloudflare:workers';
import type { JobProxy, RunEventInput, TaskResult } from '@trawl/schemas';
import type { Env } from '../env.ts';
import type { LiveTask } from './live-tasks.ts';
import { createRunContext, type LeaseAnswer, type ResultAnswer, type RunContext, type RunInit, type RunSnapshot, type StartAnswer } from './run-context.ts';
import { blockedRequestsOf, cancelRun, onAlarm, purgeRun, snapshotOf, startRun } from './lifecycle.ts';
import { dispatchFailed, liveTasksOf, loginRef, sessionRef, taskEvents, taskHeartbeat, taskRelease, taskStart } from './leases.ts';
import { taskResult } from './task-results.ts';
import { taskResults, type BatchEntry, type BatchEntryAnswer } from './result-batch.ts';
import { eventLog, subscribe } from './event-stream.ts';
import { wakeForSlot } from './slots.ts';

export type { LeaseAnswer, ResultAnswer, RunInit, RunSnapshot } from './run-context.ts';

/**
 * One per run: owns the frontier, the tasks in flight and their leases, the items (idempotently, by key)
 * and the event stream. Decisions live in machine.ts; this class is the object's entry points (RPC, alarm,
 * WebSocket), and each concern is a module next to it that works on the run's context (run-context.ts):
 * lifecycle.ts (start, cancel, alarm, purge), leases.ts (a node's calls on a task), task-results.ts and
 * task-failures.ts (what a result does), dispatch.ts and slots.ts (what runs next), finishing.ts (the end),
 * event-stream.ts (events and subscribers), run-figures.ts (counts, warnings, fill rates).
 */
export class RunCoordinator extends DurableObject<Env> {
  private readonly c: RunContext;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.c = createRunContext(ctx, env);
  }

  start(init: RunInit): Promise<RunSnapshot> {
    return startRun(this.c, init);
  }

  snapshot(): RunSnapshot {
    return snapshotOf(this.c);
  }

  /** What the egress policy refused during the run (host, resolved address, reason, resource type). */
  blockedRequests(limit: number) {
    return blockedRequestsOf(this.c, limit);
  }

  /** The stored event log after a cursor, as JSON lines (GET /v1/runs/{id}/logs while the run is live). */
  eventLog(after: number, limit: number): { lines: string[]; lastSeq: number } {
    return eventLog(this.c, after, limit);
  }

  /** The retention sweep's delete (ADR 0047), for an ended run only. */
  purge(): Promise<{ purged: boolean }> {
    return purgeRun(this.c);
  }

  cancel(): Promise<RunSnapshot> {
    return cancelRun(this.c);
  }

  taskStart(taskId: string, leaseToken: string, nodeId: string, ahead = false): Promise<StartAnswer> {
    return taskStart(this.c, taskId, leaseToken, nodeId, ahead);
  }

  /** Tasks running now and the node of each (the live view's, ADR 0044). */
  liveTasks(): LiveTask[] {
    return liveTasksOf(this.c);
  }

  taskHeartbeat(taskId: string, leaseToken: string): LeaseAnswer {
    return taskHeartbeat(this.c, taskId, leaseToken);
  }

  taskEvents(taskId: string, leaseToken: string, events: RunEventInput[]): LeaseAnswer {
    return taskEvents(this.c, taskId, leaseToken, events);
  }

  taskResult(taskId: string, result: TaskResult): Promise<ResultAnswer> {
    return taskResult(this.c, taskId, result);
  }

  /** Several results of this run in one call (ADR 0061): each applied as by taskResult, then one dispatch. */
  taskResults(entries: BatchEntry[]): Promise<BatchEntryAnswer[]> {
    return taskResults(this.c, entries);
  }

  /** A draining node hands a task back: dispatch it again soon, without spending an attempt. */
  taskRelease(taskId: string, leaseToken: string, reason: string): Promise<LeaseAnswer> {
    return taskRelease(this.c, taskId, leaseToken, reason);
  }

  /** The dead-letter consumer's report: no node took the task after every queue retry. */
  dispatchFailed(taskId: string, leaseToken: string): Promise<void> {
    return dispatchFailed(this.c, taskId, leaseToken);
  }

  /** For the signed login and proxy calls: the run's organization, login and proxies, only for the task's current lease. */
  loginRef(taskId: string, leaseToken: string): { ok: true; orgId: string; loginId: string | null; proxy: JobProxy | null } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' } {
    return loginRef(this.c, taskId, leaseToken);
  }

  /** For the signed session call: the sealed state a task starts with, only for its current lease. */
  sessionRef(taskId: string, leaseToken: string): { ok: true; orgId: string; runId: string; fromTask: string | null; stateEnc: string | null } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' } {
    return sessionRef(this.c, taskId, leaseToken);
  }

  /** A slot limiter's wake-up: a slot may be free for this task now (ADR 0060). */
  wakeForSlot(taskId: string, attempt: number): Promise<boolean> {
    return wakeForSlot(this.c, taskId, attempt);
  }

  override alarm(): Promise<void> {
    return onAlarm(this.c);
  }

  /** WebSocket subscribers: `?after=<seq>` resumes from a cursor; the backlog is sent first, then live events. */
  override fetch(request: Request): Promise<Response> {
    return subscribe(this.c, request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === 'ping') ws.send('pong');
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try { ws.close(code === 1005 ? 1000 : code, 'closing'); } catch { /* already closed */ }
  }
}
