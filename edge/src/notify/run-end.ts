import type { Failure, RunCounts, RunStatus, RunWarning } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { emitNotification, type NotificationEvent, type StepRetry } from './emit.ts';

export interface EndedRun {
  runId: string;
  orgId: string;
  jobId: string;
  status: RunStatus;
  error: Failure | null;
  counts: RunCounts;
  warnings: RunWarning[];
  /** When the run ended: the notification's time, and with the run, event and endpoint its delivery id. */
  finishedAt: number;
}

/**
 * Which events a run's end raises: `run.failed` for a failed run (timeouts end as failed), `run.finished` for any other end
 * (succeeded, partial, cancelled), and `run.warnings` besides when it ended with warnings. Pure, for the table test.
 */
export function runEndEvents(run: Pick<EndedRun, 'status' | 'warnings'>): NotificationEvent[] {
  const failed = run.status === 'failed';
  return [failed ? 'run.failed' : 'run.finished', ...(run.warnings.length ? ['run.warnings' as const] : [])];
}

/**
 * One of a run's end events, notified. The coordinator calls it after the run is persisted (so a receiver that asks
 * the API finds it finished), and again from its alarm while it fails (coordinator/end-notices.ts, ADR 0066).
 */
export function notifyRunEvent(env: Env, run: EndedRun, event: NotificationEvent, retry?: StepRetry): Promise<number> {
  const data = { status: run.status, counts: run.counts, error: run.error, warnings: run.warnings.map((w) => ({ code: w.code, message: w.message })) };
  return emitNotification(env, { orgId: run.orgId, jobId: run.jobId, runId: run.runId, event, data, at: run.finishedAt }, retry);
}
