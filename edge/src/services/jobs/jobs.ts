import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { jobs } from '@trawl/db';
import { jobSearchFilters, type JobSearch } from './search.ts';
import { JobInput, JobPatch, JobSpec, issuesOf, newId, type Job } from '@trawl/schemas';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { pageOf, type Page, type PageQuery } from '../pagination.ts';
import { auditStatement } from '../audit/audit.ts';
import { policyOf } from '../policy/policy.ts';
import { checkTargets } from '../policy/targets.ts';
import { configOf } from '../../env.ts';
import { checkLoginRef } from '../logins/login-ref.ts';
import { checkProxyRef } from '../proxies/proxy-ref.ts';
import { scheduleSummaries, type ScheduleSummary } from '../schedules/summary.ts';

type JobRow = typeof jobs.$inferSelect;

/** Saving a job dry-runs every URL it starts from (start URLs, a URL template's pages) against the network and domain rules. */
async function checkPolicy(ctx: ActorContext, spec: JobSpec): Promise<void> {
  const targets = spec.startUrls.map((url, i) => ({ path: `spec.startUrls.${i}`, url }));
  if (spec.pagination?.type === 'urlTemplate') {
    const { template, from, to } = spec.pagination;
    for (let n = from; n <= to; n++) targets.push({ path: 'spec.pagination.template', url: template.replaceAll('{n}', String(n)) });
  }
  checkTargets(targets, await policyOf(ctx, ctx.actor.orgId), configOf(ctx.env).allowPrivateTargets);
}
const toJob = (r: JobRow): Job => ({ id: r.id, name: r.name, spec: r.spec, createdAt: r.createdAt, updatedAt: r.updatedAt });

/** Parses a job body; every problem is reported with its path under INVALID_SPEC. */
export function parseJobInput(body: unknown): JobInput {
  const parsed = JobInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_SPEC', 'The job is not valid', issuesOf(parsed.error));
  return parsed.data;
}

export async function createJob(ctx: ActorContext, body: unknown): Promise<Job> {
  authorize(ctx, 'jobs:write');
  const input = parseJobInput(body);
  const now = Date.now();
  await checkPolicy(ctx, input.spec);
  await checkLoginRef(ctx, input.spec);
  await checkProxyRef(ctx, input.spec);
  const row: JobRow = { id: newId('job', now), orgId: ctx.actor.orgId, name: input.name, spec: input.spec, createdAt: now, updatedAt: now, deletedAt: null };
  await ctx.db.batch([ctx.db.insert(jobs).values(row), auditStatement(ctx, 'job.create', row.id, { name: row.name })]);
  return toJob(row);
}

export async function getJobRow(ctx: ActorContext, id: string): Promise<JobRow> {
  const [row] = await ctx.db.select().from(jobs)
    .where(and(eq(jobs.id, id), eq(jobs.orgId, ctx.actor.orgId), isNull(jobs.deletedAt))).limit(1);
  if (!row) throw notFound('Job', id);
  return row;
}

export async function getJob(ctx: ActorContext, id: string): Promise<Job> {
  authorize(ctx, 'jobs:read');
  return toJob(await getJobRow(ctx, id));
}

/** Newest first; the search filters go into the same query as the cursor, so a filtered page never skips or repeats. */
export async function listJobs(ctx: ActorContext, q: PageQuery & JobSearch): Promise<Page<Job & { schedule: ScheduleSummary | null }>> {
  authorize(ctx, 'jobs:read');
  const rows = await ctx.db.select().from(jobs)
    .where(and(eq(jobs.orgId, ctx.actor.orgId), isNull(jobs.deletedAt), q.cursor ? lt(jobs.id, q.cursor) : undefined, ...jobSearchFilters(q)))
    .orderBy(desc(jobs.id)).limit(q.limit + 1);
  const page = pageOf(rows.map(toJob), q.limit);
  const summaries = await scheduleSummaries(ctx, ctx.actor.orgId, page.data.map((j) => j.id));
  return { ...page, data: page.data.map((j) => ({ ...j, schedule: summaries.get(j.id) ?? null })) };
}

export async function updateJob(ctx: ActorContext, id: string, body: unknown): Promise<Job> {
  authorize(ctx, 'jobs:write');
  const parsed = JobPatch.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_SPEC', 'The job change is not valid', issuesOf(parsed.error));
  if (parsed.data.name === undefined && parsed.data.spec === undefined) {
    throw new ApiError('INVALID_SPEC', 'Nothing to change: send name and/or spec', { issues: [{ path: '(root)', message: 'empty patch' }] });
  }
  const current = await getJobRow(ctx, id);
  const next: JobRow = { ...current, name: parsed.data.name ?? current.name, spec: parsed.data.spec ?? JobSpec.parse(current.spec), updatedAt: Date.now() };
  if (parsed.data.spec) {
    await checkPolicy(ctx, parsed.data.spec);
    await checkLoginRef(ctx, parsed.data.spec);
    await checkProxyRef(ctx, parsed.data.spec);
  }
  await ctx.db.batch([
    ctx.db.update(jobs).set({ name: next.name, spec: next.spec, updatedAt: next.updatedAt }).where(and(eq(jobs.id, id), eq(jobs.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'job.update', id, { name: next.name, specChanged: parsed.data.spec !== undefined }),
  ]);
  return toJob(next);
}

/** Soft delete: the job disappears from the API; its past runs and results stay readable. */
export async function deleteJob(ctx: ActorContext, id: string): Promise<void> {
  authorize(ctx, 'jobs:write');
  await getJobRow(ctx, id);
  await ctx.db.batch([
    ctx.db.update(jobs).set({ deletedAt: Date.now() }).where(and(eq(jobs.id, id), eq(jobs.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'job.delete', id),
  ]);
}
