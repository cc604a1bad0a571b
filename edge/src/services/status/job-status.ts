import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { jobFreshness, jobs, runs } from '@trawl/db';
import { ApiError } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { freshnessOf, successRate } from '../freshness/decide.ts';
import { lastDataAt } from '../freshness/freshness.ts';

/** How many recent runs the success rate is taken over. */
export const RATE_WINDOW = 20;

export type JobStatus = Awaited<ReturnType<typeof jobStatuses>>[number];

/** A publishable key reads only the jobs it names; a secret key needs jobs:read. Unknown or outside: 404 alike. */
export function checkStatusAccess(ctx: ActorContext, jobIds: string[]): void {
  if (ctx.actor.kind === 'publishable') {
    const allowed = new Set(ctx.actor.jobIds ?? []);
    const outside = jobIds.filter((id) => !allowed.has(id));
    if (outside.length) throw new ApiError('NOT_FOUND', `Job ${outside[0]} was not found`);
  } else {
    authorize(ctx, 'jobs:read');
  }
  if (jobIds.length === 0) throw new ApiError('INVALID_REQUEST', 'Name at least one job: ?jobs=job_a,job_b', { issues: [{ path: 'jobs', message: 'empty' }] });
}

/**
 * The status widget's read: each named job's latest run, success rate over its last runs and freshness against
 * its target. Nothing else of the job (spec, URLs) is revealed.
 */
export async function jobStatuses(ctx: ActorContext, jobIds: string[], now = Date.now()) {
  checkStatusAccess(ctx, jobIds);
  const found = await ctx.db.select({ id: jobs.id, name: jobs.name, target: jobFreshness }).from(jobs)
    .leftJoin(jobFreshness, eq(jobFreshness.jobId, jobs.id))
    .where(and(eq(jobs.orgId, ctx.actor.orgId), inArray(jobs.id, jobIds), isNull(jobs.deletedAt)));
  if (found.length !== new Set(jobIds).size) throw new ApiError('NOT_FOUND', 'A named job was not found');
  const order = new Map(jobIds.map((id, i) => [id, i]));
  found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return Promise.all(found.map(async (job) => {
    const recent = await ctx.db.select().from(runs).where(and(eq(runs.orgId, ctx.actor.orgId), eq(runs.jobId, job.id))).orderBy(desc(runs.id)).limit(RATE_WINDOW);
    const last = recent[0];
    const data = recent.find((r) => r.status === 'succeeded' || r.status === 'partial');
    // Past the rate window, the last data comes from one more query only when a target needs it.
    const dataAt = data?.finishedAt ?? (job.target && recent.length === RATE_WINDOW ? await lastDataAt(ctx, ctx.actor.orgId, job.id) : null);
    return {
      jobId: job.id, name: job.name,
      lastRun: last ? { status: last.status, createdAt: last.createdAt, finishedAt: last.finishedAt ?? null, items: last.counts.items } : null,
      successRate: successRate(recent.map((r) => r.status)),
      freshness: job.target ? freshnessOf(job.target, dataAt, now) : null,
    };
  }));
}
