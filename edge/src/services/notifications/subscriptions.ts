import { and, eq, inArray } from 'drizzle-orm';
import { notificationEndpoints, notificationSubscriptions } from '@trawl/db';
import { JobSubscriptions, issuesOf, type ErrorIssue } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import { auditStatement } from '../audit/audit.ts';
import type { ActorContext } from '../context.ts';
import { getJobRow } from '../jobs/jobs.ts';
import { authorize } from '../permissions.ts';

export async function getJobSubscriptions(ctx: ActorContext, jobId: string): Promise<JobSubscriptions> {
  authorize(ctx, 'jobs:read');
  await getJobRow(ctx, jobId);
  const rows = await ctx.db.select({ event: notificationSubscriptions.event, endpointId: notificationSubscriptions.endpointId }).from(notificationSubscriptions)
    .where(and(eq(notificationSubscriptions.orgId, ctx.actor.orgId), eq(notificationSubscriptions.jobId, jobId)))
    .orderBy(notificationSubscriptions.event, notificationSubscriptions.endpointId);
  return { subscriptions: rows };
}

/**
 * Replaces which of the job's events go to which endpoints. An endpoint of another organization is refused exactly
 * like one that does not exist.
 */
export async function putJobSubscriptions(ctx: ActorContext, jobId: string, body: unknown): Promise<JobSubscriptions> {
  authorize(ctx, 'jobs:write');
  const parsed = JobSubscriptions.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The subscriptions are not valid', issuesOf(parsed.error));
  await getJobRow(ctx, jobId);
  const orgId = ctx.actor.orgId;
  const wanted = [...new Map(parsed.data.subscriptions.map((s) => [`${s.event} ${s.endpointId}`, s])).values()];
  const ids = [...new Set(wanted.map((s) => s.endpointId))];
  const found = new Set(ids.length ? (await ctx.db.select({ id: notificationEndpoints.id }).from(notificationEndpoints)
    .where(and(eq(notificationEndpoints.orgId, orgId), inArray(notificationEndpoints.id, ids)))).map((r) => r.id) : []);
  const issues: ErrorIssue[] = parsed.data.subscriptions.flatMap((s, i) => (found.has(s.endpointId) ? []
    : [{ path: `subscriptions.${i}.endpointId`, message: `No notification endpoint ${s.endpointId} in this organization (see GET /v1/notifications/endpoints)` }]));
  if (issues.length) throw invalid('INVALID_REQUEST', 'The subscriptions name endpoints this organization does not have', issues);
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.delete(notificationSubscriptions).where(and(eq(notificationSubscriptions.orgId, orgId), eq(notificationSubscriptions.jobId, jobId))),
    ...wanted.map((s) => ctx.db.insert(notificationSubscriptions).values({ orgId, jobId, event: s.event, endpointId: s.endpointId, createdAt: now })),
    auditStatement(ctx, 'job.notifications', jobId, { subscriptions: wanted.length }),
  ]);
  return getJobSubscriptions(ctx, jobId);
}
