import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { jobs, runs, scheduleSlots, schedules } from '@trawl/db';
import { isApiError } from '../../lib/errors.ts';
import { configOf } from '../../env.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { createRun } from '../runs/runs.ts';
import { parseCron } from './cron.ts';
import { reconcile, type Decision } from './reconcile.ts';

type ScheduleRow = typeof schedules.$inferSelect;

/** A schedule acts for its organization with the one permission it needs; the audit log and runs name it. */
const scheduleActor = (ctx: ServiceContext, s: ScheduleRow): ActorContext => ({
  ...ctx, requestId: `cron:${s.id}`, baseUrl: configOf(ctx.env).publicUrl ?? s.edgeUrl,
  actor: { orgId: s.orgId, principal: `schedule:${s.id}`, keyId: null, userId: null, role: 'editor', scopes: ['runs:write'], kind: 'secret', jobIds: null, rateLimitPerMinute: null },
});

/**
 * Claims a decided slot: the (schedule, slot) primary key lets one tick in. A queued slot is claimed again for its
 * start by moving its row from "queue" to "start", which also happens once.
 */
async function claim(ctx: ServiceContext, s: ScheduleRow, d: Decision, now: number): Promise<boolean> {
  if (d.action === 'start' && d.slot === s.queuedSlot) {
    const res = await ctx.db.update(scheduleSlots).set({ action: 'start' })
      .where(and(eq(scheduleSlots.scheduleId, s.id), eq(scheduleSlots.slot, d.slot), eq(scheduleSlots.action, 'queue'))).run();
    return res.meta.changes === 1;
  }
  const res = await ctx.db.insert(scheduleSlots).values({ scheduleId: s.id, slot: d.slot, action: d.action, reason: d.action === 'skip' ? d.reason : null, runId: null, createdAt: now })
    .onConflictDoNothing().run();
  return res.meta.changes === 1;
}

async function startSlot(ctx: ServiceContext, s: ScheduleRow, slot: number): Promise<void> {
  const where = and(eq(scheduleSlots.scheduleId, s.id), eq(scheduleSlots.slot, slot));
  try {
    const run = await createRun(scheduleActor(ctx, s), s.jobId, 'schedule', slot);
    await ctx.db.update(scheduleSlots).set({ runId: run.id }).where(where);
  } catch (err) {
    // The slot stays claimed (never started twice); why it did not start is kept on its row and in the log.
    const reason = isApiError(err) ? err.code : 'INTERNAL';
    ctx.log.warn('a scheduled run did not start', { scheduleId: s.id, slot, reason, err: String(err) });
    await ctx.db.update(scheduleSlots).set({ action: 'skip', reason }).where(where);
  }
}

async function tickOne(ctx: ServiceContext, s: ScheduleRow, now: number): Promise<void> {
  const active = await ctx.db.select({ id: runs.id }).from(runs).where(and(eq(runs.jobId, s.jobId), inArray(runs.status, ['queued', 'running']))).limit(1);
  const state = { id: s.id, cron: parseCron(s.cron, s.timeZone), catchUp: s.catchUp, overlap: s.overlap, jitterSeconds: s.jitterSeconds, cursor: s.cursor, queuedSlot: s.queuedSlot };
  const { decisions, cursor } = reconcile(state, now, active.length > 0);
  let queuedSlot = s.queuedSlot;
  for (const d of decisions) {
    if (!(await claim(ctx, s, d, now))) continue;
    if (d.action === 'queue') queuedSlot = d.slot;
    if (d.action === 'start') {
      if (d.slot === queuedSlot) queuedSlot = null;
      await startSlot(ctx, s, d.slot);
    }
  }
  // max(): a slower concurrent tick never moves the cursor back.
  await ctx.db.update(schedules).set({ cursor: sql`max(${schedules.cursor}, ${cursor})`, queuedSlot }).where(eq(schedules.id, s.id));
}

/** The Cron Trigger's minute: every schedule not paused, of a job not deleted, is reconciled against the clock. */
export async function runScheduleTick(ctx: ServiceContext, now = Date.now()): Promise<void> {
  const rows = await ctx.db.select({ s: schedules }).from(schedules).innerJoin(jobs, eq(jobs.id, schedules.jobId))
    .where(and(isNull(schedules.pausedAt), isNull(jobs.deletedAt)));
  for (const { s } of rows) {
    try {
      await tickOne(ctx, s, now);
    } catch (err) {
      ctx.log.error('reconciling a schedule failed', { scheduleId: s.id, err: String(err) });
    }
  }
}
