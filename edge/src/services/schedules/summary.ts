import { and, eq, inArray } from 'drizzle-orm';
import { schedules } from '@trawl/db';
import type { ServiceContext } from '../context.ts';
import { nextSlots, parseCron } from './cron.ts';
import { jitterOffsetMs } from './reconcile.ts';

export interface ScheduleSummary { cron: string; timeZone: string; paused: boolean; nextRun: number | null }

/**
 * Each listed job's schedule in short (one query for the page), so the Jobs list shows cron, paused and the next
 * start without a request per job. The next start is worked out like the schedule's own read (jitter included).
 */
export async function scheduleSummaries(ctx: ServiceContext, orgId: string, jobIds: string[], now = Date.now()): Promise<Map<string, ScheduleSummary>> {
  if (jobIds.length === 0) return new Map();
  const rows = await ctx.db.select().from(schedules).where(and(eq(schedules.orgId, orgId), inArray(schedules.jobId, jobIds)));
  return new Map(rows.map((r) => {
    const paused = r.pausedAt !== null;
    const next = paused ? undefined : nextSlots(parseCron(r.cron, r.timeZone), Math.max(now, r.cursor), 1)[0];
    return [r.jobId, { cron: r.cron, timeZone: r.timeZone, paused, nextRun: next === undefined ? null : next + jitterOffsetMs(r.id, r.jitterSeconds) }];
  }));
}
