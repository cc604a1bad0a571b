import { and, eq, isNull } from 'drizzle-orm';
import { jobs } from '@trawl/db';
import { ApiError } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { jobStatuses, type JobStatus } from './job-status.ts';

/**
 * The badge's read. Only a publishable key may fetch it: a badge URL carries its key into READMEs, pages and
 * proxies' logs. A secret key of the job's organization is refused by name (PUBLISHABLE_KEY_REQUIRED), after the
 * job is found in that organization, so another organization's key learns nothing but 404.
 */
export async function badgeStatus(ctx: ActorContext, jobId: string): Promise<JobStatus> {
  if (ctx.actor.kind !== 'publishable') {
    const [job] = await ctx.db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.id, jobId), eq(jobs.orgId, ctx.actor.orgId), isNull(jobs.deletedAt))).limit(1);
    if (!job) throw new ApiError('NOT_FOUND', `Job ${jobId} was not found`);
    throw new ApiError('PUBLISHABLE_KEY_REQUIRED', 'A badge takes a publishable key only; a secret key must never be put in a page or URL');
  }
  const [status] = await jobStatuses(ctx, [jobId]);
  if (!status) throw new ApiError('NOT_FOUND', `Job ${jobId} was not found`);
  return status;
}
