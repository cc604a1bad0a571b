import { and, eq } from 'drizzle-orm';
import { schedules } from '@trawl/db';
import { ScheduleInput, issuesOf, newId, type Schedule } from '@trawl/schemas';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import { getJobRow } from '../jobs/jobs.ts';
import { nextSlots, parseCron } from './cron.ts';
import { jitterOffsetMs } from './reconcile.ts';

type ScheduleRow = typeof schedules.$inferSelect;

const toSchedule = (r: ScheduleRow, now = Date.now()): Schedule => {
  const offset = jitterOffsetMs(r.id, r.jitterSeconds);
  return {
    id: r.id, jobId: r.jobId, cron: r.cron, timeZone: r.timeZone, catchUp: r.catchUp, overlap: r.overlap, jitterSeconds: r.jitterSeconds,
    jitterOffsetMs: offset, paused: r.pausedAt !== null,
    nextRuns: r.pausedAt !== null ? [] : nextSlots(parseCron(r.cron, r.timeZone), Math.max(now, r.cursor), 5).map((s) => s + offset),
    createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
};

async function scheduleRow(ctx: ActorContext, jobId: string): Promise<ScheduleRow> {
  await getJobRow(ctx, jobId);
  const [row] = await ctx.db.select().from(schedules).where(and(eq(schedules.jobId, jobId), eq(schedules.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Schedule of job', jobId);
  return row;
}

export async function getSchedule(ctx: ActorContext, jobId: string): Promise<Schedule> {
  authorize(ctx, 'jobs:read');
  return toSchedule(await scheduleRow(ctx, jobId));
}

/** Sets (or replaces) a job's schedule. It starts runs, so it needs both permissions; slots before now never run. */
export async function putSchedule(ctx: ActorContext, jobId: string, body: unknown): Promise<Schedule> {
  authorize(ctx, 'jobs:write');
  authorize(ctx, 'runs:write');
  const parsed = ScheduleInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_SCHEDULE', 'The schedule is not valid', issuesOf(parsed.error));
  const input = parsed.data;
  parseCron(input.cron, input.timeZone);
  await getJobRow(ctx, jobId);
  const now = Date.now();
  const [current] = await ctx.db.select().from(schedules).where(and(eq(schedules.jobId, jobId), eq(schedules.orgId, ctx.actor.orgId))).limit(1);
  const row: ScheduleRow = {
    id: current?.id ?? newId('sch', now), orgId: ctx.actor.orgId, jobId, ...input, pausedAt: current?.pausedAt ?? null,
    cursor: now, queuedSlot: null, createdBy: ctx.actor.principal, edgeUrl: ctx.baseUrl, createdAt: current?.createdAt ?? now, updatedAt: now,
  };
  const write = current
    ? ctx.db.update(schedules).set(row).where(eq(schedules.id, row.id))
    : ctx.db.insert(schedules).values(row);
  await ctx.db.batch([write, auditStatement(ctx, 'schedule.set', jobId, { ...input })]);
  return toSchedule(row, now);
}

export async function deleteSchedule(ctx: ActorContext, jobId: string): Promise<void> {
  authorize(ctx, 'jobs:write');
  const row = await scheduleRow(ctx, jobId);
  await ctx.db.batch([ctx.db.delete(schedules).where(eq(schedules.id, row.id)), auditStatement(ctx, 'schedule.delete', jobId)]);
}

/** Pause keeps the schedule; resume starts from now, so the slots passed while paused never run (no catch-up). */
export async function setPaused(ctx: ActorContext, jobId: string, paused: boolean): Promise<Schedule> {
  authorize(ctx, 'jobs:write');
  authorize(ctx, 'runs:write');
  const row = await scheduleRow(ctx, jobId);
  if ((row.pausedAt !== null) === paused) throw new ApiError('CONFLICT', `The schedule is already ${paused ? 'paused' : 'running'}`);
  const now = Date.now();
  const next: ScheduleRow = { ...row, pausedAt: paused ? now : null, cursor: paused ? row.cursor : Math.max(row.cursor, now), queuedSlot: paused ? row.queuedSlot : null, updatedAt: now };
  await ctx.db.batch([
    ctx.db.update(schedules).set({ pausedAt: next.pausedAt, cursor: next.cursor, queuedSlot: next.queuedSlot, updatedAt: now }).where(eq(schedules.id, row.id)),
    auditStatement(ctx, paused ? 'schedule.pause' : 'schedule.resume', jobId),
  ]);
  return toSchedule(next, now);
}
