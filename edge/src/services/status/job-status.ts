import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { jobs, runs } from '@trawl/db';
import { ApiError } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';

/**
 * The status widget's read: each named job's latest run. A publishable key reads only the jobs it names;
 * a secret key needs jobs:read. Nothing else of the job (spec, URLs) is revealed.
 */
export async function jobStatuses(ctx: ActorContext, jobIds: string[]) {
  if (ctx.actor.kind === 'publishable') {
    const allowed = new Set(ctx.actor.jobIds ?? []);
    const outside = jobIds.filter((id) => !allowed.has(id));
    if (outside.length) throw new ApiError('NOT_FOUND', `Job ${outside[0]} was not found`);
  } else {
    authorize(ctx, 'jobs:read');
  }
  if (jobIds.length === 0) throw new ApiError('INVALID_REQUEST', 'Name at least one job: ?jobs=job_a,job_b', { issues: [{ path: 'jobs', message: 'empty' }] });
  const found = await ctx.db.select({ id: jobs.id, name: jobs.name }).from(jobs)
    .where(and(eq(jobs.orgId, ctx.actor.orgId), inArray(jobs.id, jobIds), isNull(jobs.deletedAt)));
  if (found.length !== new Set(jobIds).size) throw new ApiError('NOT_FOUND', 'A named job was not found');
  return Promise.all(found.map(async (job) => {
    const [last] = await ctx.db.select().from(runs).where(and(eq(runs.orgId, ctx.actor.orgId), eq(runs.jobId, job.id))).orderBy(desc(runs.id)).limit(1);
    return {
      jobId: job.id, name: job.name,
      lastRun: last ? { status: last.status, createdAt: last.createdAt, finishedAt: last.finishedAt ?? null, items: last.counts.items } : null,
    };
  }));
}
