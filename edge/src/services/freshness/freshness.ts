import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { jobFreshness, jobs, runs } from '@trawl/db';
import { z } from 'zod';
import { issuesOf } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import { getJobRow } from '../jobs/jobs.ts';
import { emitNotification } from '../../notify/emit.ts';
import { freshnessAction, freshnessOf, type Freshness } from './decide.ts';

export const FreshnessInput = z.object({
  /** Data no older than this many minutes; null removes the target. Up to 90 days. */
  maxAgeMinutes: z.number().int().min(5).max(129_600).nullable(),
}).strict();

const DATA_STATUSES = ['succeeded', 'partial'] as const;

/** When the job's data was last produced: the end of its last succeeded or partial run (null: never). */
export async function lastDataAt(ctx: ServiceContext, orgId: string, jobId: string): Promise<number | null> {
  const [row] = await ctx.db.select({ finishedAt: runs.finishedAt }).from(runs)
    .where(and(eq(runs.orgId, orgId), eq(runs.jobId, jobId), inArray(runs.status, [...DATA_STATUSES])))
    .orderBy(desc(runs.id)).limit(1);
  return row?.finishedAt ?? null;
}

/** The job's freshness now, or null when it has no target. */
export async function freshnessOfJob(ctx: ServiceContext, orgId: string, jobId: string, now = Date.now()): Promise<Freshness | null> {
  const [target] = await ctx.db.select().from(jobFreshness).where(and(eq(jobFreshness.jobId, jobId), eq(jobFreshness.orgId, orgId))).limit(1);
  return target ? freshnessOf(target, await lastDataAt(ctx, orgId, jobId), now) : null;
}

/** Sets (or with null removes) a job's freshness target; a new or changed target starts with no miss marked. */
export async function putFreshness(ctx: ActorContext, jobId: string, body: unknown): Promise<{ jobId: string; freshness: Freshness | null }> {
  authorize(ctx, 'jobs:write');
  const parsed = FreshnessInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The freshness target is not valid', issuesOf(parsed.error));
  await getJobRow(ctx, jobId);
  const now = Date.now();
  const { maxAgeMinutes } = parsed.data;
  const where = and(eq(jobFreshness.jobId, jobId), eq(jobFreshness.orgId, ctx.actor.orgId));
  const write = maxAgeMinutes === null
    ? ctx.db.delete(jobFreshness).where(where)
    : ctx.db.insert(jobFreshness).values({ jobId, orgId: ctx.actor.orgId, maxAgeMinutes, missedAt: null, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: jobFreshness.jobId, set: { maxAgeMinutes, missedAt: null, createdAt: now, updatedAt: now } });
  await ctx.db.batch([write, auditStatement(ctx, 'job.freshness', jobId, { maxAgeMinutes })]);
  return { jobId, freshness: await freshnessOfJob(ctx, ctx.actor.orgId, jobId, now) };
}

/**
 * The cron's freshness check at the tick's time: notifies `freshness.missed` once per miss (the mark is written
 * before the notification, so a doubled tick cannot notify twice), clears the mark once data is fresh again.
 */
export async function checkFreshness(ctx: ServiceContext, now: number): Promise<{ notified: number; cleared: number }> {
  const targets = await ctx.db.select({ t: jobFreshness }).from(jobFreshness)
    .innerJoin(jobs, and(eq(jobs.id, jobFreshness.jobId), isNull(jobs.deletedAt)));
  let notified = 0;
  let cleared = 0;
  for (const { t } of targets) {
    const action = freshnessAction(t, await lastDataAt(ctx, t.orgId, t.jobId), now);
    if (action.kind === 'clear') {
      await ctx.db.update(jobFreshness).set({ missedAt: null }).where(eq(jobFreshness.jobId, t.jobId));
      cleared++;
    } else if (action.kind === 'notify') {
      const claimed = await ctx.db.update(jobFreshness).set({ missedAt: now })
        .where(and(eq(jobFreshness.jobId, t.jobId), isNull(jobFreshness.missedAt))).returning({ jobId: jobFreshness.jobId });
      if (claimed.length === 0) continue;
      ctx.log.info('freshness missed', { orgId: t.orgId, jobId: t.jobId, dueAt: action.freshness.dueAt });
      await emitNotification(ctx.env, { orgId: t.orgId, jobId: t.jobId, event: 'freshness.missed', data: { ...action.freshness } });
      notified++;
    }
  }
  if (notified || cleared) ctx.log.info('freshness checked', { notified, cleared });
  return { notified, cleared };
}
