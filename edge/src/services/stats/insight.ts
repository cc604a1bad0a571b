import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { runs, taskAttempts } from '@trawl/db';
import { INSIGHT_BUCKETS, INSIGHT_MAX_BUCKETS, RUN_STATUSES, isFinalStatus, type Insight, type InsightBucket, type InsightPoint, type RunStatus } from '@trawl/schemas';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { ApiError } from '../../lib/errors.ts';
import { percentile } from './stats.ts';

const FINAL: RunStatus[] = RUN_STATUSES.filter(isFinalStatus);
const ROW_CAP = 100_000;

export interface InsightRun { createdAt: number; status: RunStatus; items: number; startedAt: number | null; finishedAt: number | null }
export interface InsightAttempt { finishedAt: number; outcome: 'succeeded' | 'failed'; code: string | null }

/** The figures of one bucket from its rows (pure, so the arithmetic is unit-tested without D1). */
function point(from: number, to: number, rows: InsightRun[], attempts: InsightAttempt[]): InsightPoint {
  const finished = rows.filter((r) => FINAL.includes(r.status));
  const succeeded = finished.filter((r) => r.status === 'succeeded').length;
  const durations = finished.filter((r) => r.startedAt !== null && r.finishedAt !== null).map((r) => r.finishedAt! - r.startedAt!).sort((a, b) => a - b);
  const items = finished.map((r) => r.items);
  const total = items.reduce((a, b) => a + b, 0);
  const failureCauses: Record<string, number> = {};
  for (const a of attempts) if (a.outcome === 'failed' && a.code) failureCauses[a.code] = (failureCauses[a.code] ?? 0) + 1;
  return {
    from, to,
    runs: { finished: finished.length, succeeded, successRate: finished.length ? succeeded / finished.length : null },
    runDurationMs: { count: durations.length, mean: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null, p95: percentile(durations, 95) },
    failureCauses,
    itemsPerRun: { total, mean: items.length ? total / items.length : null },
  };
}

/** Splits [from, to) into buckets of `bucketMs` from `from` (the last may be shorter) and computes each one's figures. */
export function bucketize(from: number, to: number, bucketMs: number, rows: InsightRun[], attempts: InsightAttempt[]): InsightPoint[] {
  const n = Math.ceil((to - from) / bucketMs);
  const runsIn: InsightRun[][] = Array.from({ length: n }, () => []);
  const attemptsIn: InsightAttempt[][] = Array.from({ length: n }, () => []);
  for (const r of rows) runsIn[Math.floor((r.createdAt - from) / bucketMs)]?.push(r);
  for (const a of attempts) attemptsIn[Math.floor((a.finishedAt - from) / bucketMs)]?.push(a);
  return runsIn.map((list, i) => point(from + i * bucketMs, Math.min(to, from + (i + 1) * bucketMs), list, attemptsIn[i]!));
}

export interface InsightQuery { from?: number | undefined; to?: number | undefined; bucket: InsightBucket; jobId?: string | undefined }

/** Success rate, run duration (mean, p95), failure causes and items per run over time, for the organization or one job. */
export async function computeInsight(ctx: ActorContext, q: InsightQuery, now = Date.now()): Promise<Insight> {
  authorize(ctx, 'runs:read');
  const bucketMs = INSIGHT_BUCKETS[q.bucket];
  const to = q.to ?? now;
  const from = q.from ?? to - 14 * bucketMs;
  if (to <= from) throw new ApiError('INVALID_REQUEST', '`to` must be after `from`', { issues: [{ path: 'to', message: 'must be greater than from' }] });
  if (Math.ceil((to - from) / bucketMs) > INSIGHT_MAX_BUCKETS) {
    throw new ApiError('INVALID_REQUEST', `More than ${INSIGHT_MAX_BUCKETS} buckets`, { issues: [{ path: 'bucket', message: `at most ${INSIGHT_MAX_BUCKETS} buckets of a ${q.bucket} between from and to: choose a wider bucket` }] });
  }
  const org = ctx.actor.orgId;
  const runRows = await ctx.db.select({ createdAt: runs.createdAt, status: runs.status, counts: runs.counts, startedAt: runs.startedAt, finishedAt: runs.finishedAt })
    .from(runs).where(and(eq(runs.orgId, org), gte(runs.createdAt, from), lt(runs.createdAt, to), q.jobId ? eq(runs.jobId, q.jobId) : undefined, inArray(runs.status, FINAL)))
    .limit(ROW_CAP);
  const attempts = await ctx.db.select({ finishedAt: taskAttempts.finishedAt, outcome: taskAttempts.outcome, code: taskAttempts.code })
    .from(taskAttempts).where(and(eq(taskAttempts.orgId, org), gte(taskAttempts.finishedAt, from), lt(taskAttempts.finishedAt, to), eq(taskAttempts.outcome, 'failed'), q.jobId ? eq(taskAttempts.jobId, q.jobId) : undefined))
    .limit(ROW_CAP);
  const rows = runRows.map((r) => ({ createdAt: r.createdAt, status: r.status, items: r.counts.items, startedAt: r.startedAt, finishedAt: r.finishedAt }));
  return { from, to, bucket: q.bucket, bucketMs, jobId: q.jobId ?? null, series: bucketize(from, to, bucketMs, rows, attempts) };
}
