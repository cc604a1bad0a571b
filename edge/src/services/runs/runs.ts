import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { runs } from '@trawl/db';
import { emptyCounts, isFinalStatus, newId, type Run } from '@trawl/schemas';
import { ApiError, notFound } from '../../lib/errors.ts';
import { withEventsProtocol } from '../../lib/ws-protocol.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { getJobRow } from '../jobs/jobs.ts';
import { policyOf, politenessOf } from '../policy/policy.ts';
import { pageOf, type Page, type PageQuery } from '../pagination.ts';

type RunRow = typeof runs.$inferSelect;

/** Counts stored before a field existed (`skipped`, ADR 0027) read as zero; runs from before warnings (ADR 0028) have none. */
export const toRun = (r: RunRow): Run & { changes: RunRow['changes']; suspect: RunRow['suspect'] } => ({
  id: r.id, jobId: r.jobId, status: r.status, trigger: r.trigger, scheduleSlot: r.scheduleSlot ?? null, counts: { ...emptyCounts(), ...r.counts }, error: r.error ?? null,
  warnings: r.warnings ?? [],
  createdAt: r.createdAt, startedAt: r.startedAt ?? null, finishedAt: r.finishedAt ?? null,
  durationMs: r.startedAt && r.finishedAt ? r.finishedAt - r.startedAt : null, changes: r.changes ?? null, suspect: r.suspect ?? null,
  expiredAt: r.expiredAt ?? null,
});

export const coordinatorOf = (ctx: ActorContext, runId: string) => ctx.env.RUN_COORDINATOR.get(ctx.env.RUN_COORDINATOR.idFromName(runId));

/** Starts a run of a job: a runs row, then the run's coordinator with a frozen copy of the spec. */
export async function createRun(ctx: ActorContext, jobId: string, trigger: RunRow['trigger'] = 'api', scheduleSlot: number | null = null) {
  authorize(ctx, 'runs:write');
  const job = await getJobRow(ctx, jobId);
  const politeness = await politenessOf(ctx, ctx.actor.orgId);
  const active = await ctx.db.select({ id: runs.id }).from(runs)
    .where(and(eq(runs.orgId, ctx.actor.orgId), inArray(runs.status, ['queued', 'running']))).limit(politeness.maxConcurrentRuns);
  if (active.length >= politeness.maxConcurrentRuns) {
    throw new ApiError('RATE_LIMITED_API', `The organization already has ${active.length} runs queued or running (its limit)`, { maxConcurrentRuns: politeness.maxConcurrentRuns }, { 'Retry-After': '30' });
  }
  const now = Date.now();
  const row: RunRow = {
    id: newId('run', now), orgId: ctx.actor.orgId, jobId, status: 'queued', trigger, scheduleSlot, counts: emptyCounts(),
    error: null, changes: null, warnings: null, fillRates: null, suspect: null, fieldStats: null, createdAt: now, startedAt: null, finishedAt: null,
    expiredAt: null,
  };
  await ctx.db.insert(runs).values(row);
  try {
    await coordinatorOf(ctx, row.id).start({ runId: row.id, orgId: row.orgId, jobId, spec: job.spec, createdAt: now, edgeUrl: ctx.baseUrl, policy: await policyOf(ctx, ctx.actor.orgId),
      politeness: { siteMaxConcurrent: politeness.siteMaxConcurrent, siteMinDelayMs: politeness.siteMinDelayMs, orgMaxTasksInFlight: politeness.orgMaxTasksInFlight } });
  } catch (err) {
    ctx.log.error('starting the run coordinator failed', { runId: row.id, err: String(err) });
    const error = { code: 'INTERNAL' as const, message: 'The run could not be started' };
    await ctx.db.update(runs).set({ status: 'failed', error, finishedAt: Date.now() }).where(eq(runs.id, row.id));
    throw new ApiError('INTERNAL', 'The run could not be started; try again');
  }
  return toRun(row);
}

export async function getRunRow(ctx: ActorContext, id: string): Promise<RunRow> {
  const [row] = await ctx.db.select().from(runs).where(and(eq(runs.id, id), eq(runs.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Run', id);
  return row;
}

/** A run whose data the retention sweep deleted answers 410 for every read of that data (ADR 0047). */
export function refuseExpired(row: Pick<RunRow, 'id' | 'expiredAt'>): void {
  if (row.expiredAt !== null) throw new ApiError('RUN_EXPIRED', `Run ${row.id}'s results, logs and events were deleted by the organization's retention`);
}

/** A run as stored, with live counts from its coordinator while it is still going. */
export async function getRun(ctx: ActorContext, id: string) {
  authorize(ctx, 'runs:read');
  const row = await getRunRow(ctx, id);
  if (isFinalStatus(row.status)) return toRun(row);
  const live = await coordinatorOf(ctx, id).snapshot();
  return toRun({ ...row, status: live.status, counts: live.counts, startedAt: live.startedAt, finishedAt: live.finishedAt, error: live.error, warnings: live.warnings });
}

export async function listRuns(ctx: ActorContext, q: PageQuery & { jobId?: string }): Promise<Page<ReturnType<typeof toRun>>> {
  authorize(ctx, 'runs:read');
  const rows = await ctx.db.select().from(runs)
    .where(and(eq(runs.orgId, ctx.actor.orgId), q.jobId ? eq(runs.jobId, q.jobId) : undefined, q.cursor ? lt(runs.id, q.cursor) : undefined))
    .orderBy(desc(runs.id)).limit(q.limit + 1);
  return pageOf(rows.map(toRun), q.limit);
}

export async function cancelRun(ctx: ActorContext, id: string) {
  authorize(ctx, 'runs:write');
  const row = await getRunRow(ctx, id);
  if (isFinalStatus(row.status)) throw new ApiError('CONFLICT', `Run ${id} already ended (${row.status})`);
  await coordinatorOf(ctx, id).cancel();
  return getRun(ctx, id);
}

/** Forwards an authorised WebSocket upgrade to the run's coordinator. */
export async function openRunEvents(ctx: ActorContext, id: string, request: Request): Promise<Response> {
  authorize(ctx, 'runs:read');
  refuseExpired(await getRunRow(ctx, id));
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('INVALID_REQUEST', 'This endpoint is a WebSocket: connect with "Upgrade: websocket"', { issues: [{ path: 'headers.upgrade', message: 'expected websocket' }] });
  }
  return withEventsProtocol(request, await coordinatorOf(ctx, id).fetch(request));
}

/** The requests the egress policy refused during a run, so a user can see the policy at work. */
export async function listBlocked(ctx: ActorContext, id: string) {
  authorize(ctx, 'runs:read');
  refuseExpired(await getRunRow(ctx, id));
  return { data: await coordinatorOf(ctx, id).blockedRequests(1000) };
}
