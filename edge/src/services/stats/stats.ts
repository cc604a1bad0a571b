import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { jobs, runs, taskAttempts } from '@trawl/db';
import { RUN_STATUSES, isFinalStatus, type RunStatus, type TaskResult } from '@trawl/schemas';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { skippedBySampling } from '../usage/sampling.ts';

const FINAL: RunStatus[] = RUN_STATUSES.filter(isFinalStatus);
const ROW_CAP = 100_000;

export interface StatsQuery { from: number; to: number; jobId?: string | undefined }

/** Nearest-rank percentile (the value at rank ceil(p·n)); null for no data. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
  return { count: s.length, mean, p50: percentile(s, 50), p95: percentile(s, 95) };
}

type RunRow = Pick<typeof runs.$inferSelect, 'jobId' | 'status' | 'counts' | 'startedAt' | 'finishedAt' | 'error'>;
type AttemptRow = Pick<typeof taskAttempts.$inferSelect, 'jobId' | 'outcome' | 'code' | 'durationMs'>;

function figures(runRows: RunRow[], attempts: AttemptRow[]) {
  const finished = runRows.filter((r) => FINAL.includes(r.status));
  const succeeded = finished.filter((r) => r.status === 'succeeded').length;
  const byStatus: Record<string, number> = {};
  for (const r of finished) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const failureCauses: Record<string, number> = {};
  for (const a of attempts) if (a.outcome === 'failed' && a.code) failureCauses[a.code] = (failureCauses[a.code] ?? 0) + 1;
  const runErrors: Record<string, number> = {};
  for (const r of finished) if (r.error?.code) runErrors[r.error.code] = (runErrors[r.error.code] ?? 0) + 1;
  const items = finished.map((r) => r.counts.items);
  return {
    runs: { finished: finished.length, succeeded, byStatus, successRate: finished.length ? succeeded / finished.length : null },
    runDurationMs: summary(finished.filter((r) => r.startedAt !== null && r.finishedAt !== null).map((r) => r.finishedAt! - r.startedAt!)),
    taskDurationMs: summary(attempts.map((a) => a.durationMs)),
    tasks: { attempts: attempts.length, failed: attempts.filter((a) => a.outcome === 'failed').length },
    failureCauses,
    runErrors,
    itemsPerRun: { total: items.reduce((a, b) => a + b, 0), mean: items.length ? items.reduce((a, b) => a + b, 0) / items.length : null },
  };
}

/**
 * Run and task figures of the key's organization over [from, to) (runs by creation time, task attempts by
 * finish time), for the whole organization and per job.
 */
export async function computeStats(ctx: ActorContext, q: StatsQuery) {
  authorize(ctx, 'runs:read');
  const org = ctx.actor.orgId;
  const runRows = await ctx.db.select({ jobId: runs.jobId, status: runs.status, counts: runs.counts, startedAt: runs.startedAt, finishedAt: runs.finishedAt, error: runs.error })
    .from(runs).where(and(eq(runs.orgId, org), gte(runs.createdAt, q.from), lt(runs.createdAt, q.to), q.jobId ? eq(runs.jobId, q.jobId) : undefined, inArray(runs.status, FINAL)))
    .limit(ROW_CAP);
  const attempts = await ctx.db.select({ jobId: taskAttempts.jobId, outcome: taskAttempts.outcome, code: taskAttempts.code, durationMs: taskAttempts.durationMs })
    .from(taskAttempts).where(and(eq(taskAttempts.orgId, org), gte(taskAttempts.finishedAt, q.from), lt(taskAttempts.finishedAt, q.to), q.jobId ? eq(taskAttempts.jobId, q.jobId) : undefined))
    .limit(ROW_CAP);
  const jobIds = [...new Set([...runRows.map((r) => r.jobId), ...attempts.map((a) => a.jobId)])].sort();
  return {
    from: q.from, to: q.to, orgId: org,
    ...figures(runRows, attempts),
    jobs: jobIds.map((jobId) => ({ jobId, ...figures(runRows.filter((r) => r.jobId === jobId), attempts.filter((a) => a.jobId === jobId)) })),
  };
}

/** Called once per applied (not duplicate) task result, off the response path. */
export function recordTaskAttempt(ctx: ServiceContext, runId: string, taskId: string, result: TaskResult): Promise<void> {
  return recordTaskAttempts(ctx, runId, [{ taskId, result }]);
}

/** The applied results of one run's batch (ADR 0061): one read of the run's job and one D1 round trip for the rows. */
export async function recordTaskAttempts(ctx: ServiceContext, runId: string, entries: ReadonlyArray<{ taskId: string; result: TaskResult }>): Promise<void> {
  if (entries.length === 0) return;
  const [run] = await ctx.db.select({ orgId: runs.orgId, jobId: runs.jobId, spec: jobs.spec }).from(runs).innerJoin(jobs, eq(jobs.id, runs.jobId))
    .where(eq(runs.id, runId)).limit(1);
  if (!run) return;
  const finishedAt = Date.now();
  // One row per statement (D1 caps bound parameters per statement); the batch sends them in one round trip.
  const [first, ...rest] = entries.map(({ taskId, result }) => {
    // The job's spec now, not the run's copy: an edit in the middle of a run shifts only the usage report's estimate.
    const skipped = skippedBySampling(run.spec.artifacts, result.attempt, run.spec.retry.maxAttempts, result.outcome);
    return ctx.db.insert(taskAttempts).values({
      runId, taskId, attempt: result.attempt, orgId: run.orgId, jobId: run.jobId, outcome: result.outcome, code: result.error?.code ?? null,
      durationMs: Math.round(result.timings.totalMs), items: result.items.length, finishedAt,
      skippedTrace: skipped.trace, skippedHar: skipped.har, skippedScreenshots: skipped.screenshot,
    }).onConflictDoNothing();
  });
  await ctx.db.batch([first!, ...rest]);
}
