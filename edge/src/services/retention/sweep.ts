import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { artifacts, orgSettings, runs, taskAttempts, DEFAULT_RETENTION_DAYS } from '@trawl/db';
import { logsKey, resultsKey } from '../../lib/storage-keys.ts';
import type { ServiceContext } from '../context.ts';

const DAY_MS = 86_400_000;
const BATCH = 50;

export interface SweepReport { runs: number; objects: number; artifacts: number; taskAttempts: number; coordinators: number }

/**
 * The retention sweep (ADR 0047), run by the Cron Trigger at the tick's time: every ended run whose end is older
 * than its organization's retention (org_settings.retention_days, default 30) loses its results and logs in R2,
 * its artifacts (objects and rows), its task-attempt rows and its coordinator's storage; the run row stays,
 * marked `expiredAt`, so lists and counts keep their history and reads of the data answer 410 RUN_EXPIRED.
 * The run is marked last: a sweep cut short is redone by the next tick (every delete is idempotent).
 * Bounded per tick, oldest first.
 */
export async function sweepExpiredRuns(ctx: ServiceContext, now: number, maxBatches = 10): Promise<SweepReport> {
  const report: SweepReport = { runs: 0, objects: 0, artifacts: 0, taskAttempts: 0, coordinators: 0 };
  const days = sql<number>`coalesce(${orgSettings.retentionDays}, ${DEFAULT_RETENTION_DAYS})`;
  for (let i = 0; i < maxBatches; i++) {
    const expired = await ctx.db.select({ id: runs.id }).from(runs)
      .leftJoin(orgSettings, eq(orgSettings.orgId, runs.orgId))
      .where(and(isNull(runs.expiredAt), isNotNull(runs.finishedAt), lte(sql`${runs.finishedAt} + ${days} * ${DAY_MS}`, now)))
      .orderBy(asc(runs.finishedAt)).limit(BATCH);
    if (expired.length === 0) break;
    const ids = expired.map((r) => r.id);
    await sweepRuns(ctx, ids, now, report);
    if (expired.length < BATCH) break;
  }
  if (report.runs) ctx.log.info('retention sweep', { ...report });
  return report;
}

async function sweepRuns(ctx: ServiceContext, ids: string[], now: number, report: SweepReport): Promise<void> {
  const keys = ids.flatMap((id) => [resultsKey(id), logsKey(id)]);
  const present = await Promise.all(keys.map((k) => ctx.env.BUCKET.head(k)));
  report.objects += present.filter(Boolean).length;
  await ctx.env.BUCKET.delete(keys);
  const arts = await ctx.db.select({ id: artifacts.id, key: artifacts.r2Key }).from(artifacts).where(inArray(artifacts.runId, ids));
  if (arts.length) {
    await ctx.env.BUCKET.delete(arts.map((a) => a.key));
    await ctx.db.delete(artifacts).where(inArray(artifacts.id, arts.map((a) => a.id)));
    report.artifacts += arts.length;
  }
  const [attempts] = await ctx.db.select({ n: sql<number>`count(*)` }).from(taskAttempts).where(inArray(taskAttempts.runId, ids));
  await ctx.db.delete(taskAttempts).where(inArray(taskAttempts.runId, ids));
  report.taskAttempts += attempts?.n ?? 0;
  for (const id of ids) {
    const stub = ctx.env.RUN_COORDINATOR.get(ctx.env.RUN_COORDINATOR.idFromName(id));
    if ((await stub.purge()).purged) report.coordinators++;
  }
  await ctx.db.update(runs).set({ expiredAt: now }).where(and(inArray(runs.id, ids), isNull(runs.expiredAt)));
  report.runs += ids.length;
}
