/** A failed attempt: retried on the job's retry policy or failed for good; a node lost: on the node-loss budget (node-loss.ts). */
import { ERRORS, type Failure } from '@trawl/schemas';
import { backoffMs, decideAfterFailure, type TaskRow } from './machine.ts';
import { decideAfterNodeLoss, lossMessage } from './node-loss.ts';
import { afterResult, asksToSlowDown, slowDown } from './site-backoff.ts';
import { siteOf } from './politeness.ts';
import { loginGoneStale, staleReportOf } from './login-stale.ts';
import { reportStaleLogin } from '../services/logins/stale.ts';
import { emit } from './event-stream.ts';
import { requireMeta, withSite, type RunContext } from './run-context.ts';

/** A task lost with its node, or never taken by one: dispatched again on the node-loss budget (node-loss.ts). */
export function applyNodeLoss(c: RunContext, task: TaskRow, reason: string, now: number): void {
  const decision = decideAfterNodeLoss(task, c.nodeLosses.get(task.taskId), reason, now);
  c.nodeLosses.set(task.taskId, decision.losses);
  if (decision.status === 'failed') return applyFailure(c, task, decision.failure, now);
  c.store.updateTask({ ...task, status: 'pending', leaseToken: null, leaseDeadline: null, notBefore: decision.notBefore });
  emit(c, { type: 'task.released', level: 'warn', taskId: task.taskId, url: task.url, message: lossMessage(reason, decision),
    data: { code: 'NODE_LOST', reason, nodeLosses: decision.losses, policyAttempt: task.failures + 1 } });
}

export function applyFailure(c: RunContext, task: TaskRow, failure: Failure, now: number): void {
  const meta = requireMeta(c);
  const decision = decideAfterFailure(task, failure, meta.spec, now, Math.random);
  const error = { ...failure, hint: failure.hint ?? ERRORS[failure.code].hint, attempt: task.attempt };
  // A site that asks to slow down holds every task of it; the retry waits for that hold too, and says so.
  const site = siteOf(task.url);
  const retryAt = decision.status === 'pending' ? decision.notBefore : now + backoffMs(failure, decision.failures, Math.random);
  const state = asksToSlowDown(failure) ? slowDown(meta.sites?.[site], meta.spec.concurrency, failure, retryAt, now)
    : afterResult(meta.sites?.[site], meta.spec.concurrency, false, now);
  if (asksToSlowDown(failure) && state) {
    emit(c, { type: 'log', level: 'warn', taskId: task.taskId, url: task.url, data: { site, ...state },
      message: `${site} asked to slow down (${failure.code}): no page of it starts for ${state.holdUntil - now} ms, then ${state.limit} at a time, ${state.spacingMs} ms apart` });
  }
  const sited = withSite(meta, site, state);
  // Look-alike successes (challenge, login wall, soft 404, empty fields) are counted apart, per attempt.
  if (failure.soft) c.details.bump('softFailures');
  if (decision.status === 'pending') {
    const notBefore = Math.max(decision.notBefore, state?.holdUntil ?? 0);
    c.store.updateTask({ ...task, status: 'pending', failures: decision.failures, leaseToken: null, leaseDeadline: null, notBefore, error });
    c.store.putMeta({ ...sited, retries: meta.retries + 1 });
    emit(c, { type: 'task.retrying', level: 'warn', taskId: task.taskId, url: task.url,
      message: `${failure.code}: ${failure.message}; retrying in ${notBefore - now} ms`, data: { error, retryAt: notBefore, retryInMs: notBefore - now } });
  } else {
    c.store.putMeta(sited);
    c.store.updateTask({ ...task, status: 'failed', failures: decision.failures, leaseDeadline: null, error });
    if (failure.code === 'SESSION_EXPIRED') c.warningInputs.addExpired(failure.step ?? 'navigate');
    // The job's owners are told once per run that its stored login needs redoing (the hand-off, ADR 0044).
    if (loginGoneStale(c.ctx.storage.sql, meta.spec, failure)) c.ctx.waitUntil(reportStaleLogin(c.env, c.log, staleReportOf(meta, failure, task.url)));
    emit(c, { type: 'task.failed', level: 'error', taskId: task.taskId, url: task.url, message: `${failure.code}: ${failure.message}`, data: { error } });
  }
}
