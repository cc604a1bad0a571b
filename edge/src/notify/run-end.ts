import type { Failure, RunCounts, RunStatus, RunWarning } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { emitNotification, type NotificationEvent } from './emit.ts';

export interface EndedRun {
  runId: string;
  orgId: string;
  jobId: string;
  status: RunStatus;
  error: Failure | null;
  counts: RunCounts;
  warnings: RunWarning[];
}

/**
 * Which events a run's end raises: `run.failed` for a failed run (timeouts end as failed), `run.finished` for any other end
 * (succeeded, partial, cancelled), and `run.warnings` besides when it ended with warnings. Pure, for the table test.
 */
export function runEndEvents(run: Pick<EndedRun, 'status' | 'warnings'>): NotificationEvent[] {
  const failed = run.status === 'failed';
  return [failed ? 'run.failed' : 'run.finished', ...(run.warnings.length ? ['run.warnings' as const] : [])];
}

/** Called once by the coordinator after the run is persisted, so a receiver that asks the API finds it finished. */
export async function notifyRunEnd(env: Env, run: EndedRun): Promise<void> {
  const data = { status: run.status, counts: run.counts, error: run.error, warnings: run.warnings.map((w) => ({ code: w.code, message: w.message })) };
  for (const event of runEndEvents(run)) {
    await emitNotification(env, { orgId: run.orgId, jobId: run.jobId, runId: run.runId, event, data });
  }
}
