import { eq, inArray, lte, sql } from 'drizzle-orm';
import { artifacts, orgSettings, DEFAULT_ARTIFACT_TTL_DAYS } from '@trawl/db';
import type { ServiceContext } from '../context.ts';
import { storageReport } from './read.ts';

const DAY_MS = 86_400_000;
const BATCH = 500;

/**
 * Deletes every artifact older than its organization's TTL (org_settings, default 7 days) at `now`, and
 * nothing else: the rows to delete are chosen by one query, their objects are deleted from R2, then the rows.
 * Bounded per tick; the next cron tick continues.
 */
export async function cleanupExpiredArtifacts(ctx: ServiceContext, now = Date.now(), maxBatches = 20): Promise<{ deleted: number; bytes: number }> {
  const ttl = sql<number>`coalesce(${orgSettings.artifactTtlDays}, ${DEFAULT_ARTIFACT_TTL_DAYS})`;
  let deleted = 0;
  let bytes = 0;
  for (let i = 0; i < maxBatches; i++) {
    const expired = await ctx.db.select({ id: artifacts.id, key: artifacts.r2Key, bytes: artifacts.bytes }).from(artifacts)
      .leftJoin(orgSettings, eq(orgSettings.orgId, artifacts.orgId))
      .where(lte(sql`${artifacts.createdAt} + ${ttl} * ${DAY_MS}`, now))
      .limit(BATCH);
    if (expired.length === 0) break;
    await ctx.env.BUCKET.delete(expired.map((e) => e.key));
    await ctx.db.delete(artifacts).where(inArray(artifacts.id, expired.map((e) => e.id)));
    deleted += expired.length;
    bytes += expired.reduce((n, e) => n + e.bytes, 0);
    if (expired.length < BATCH) break;
  }
  if (deleted) ctx.log.info('expired artifacts deleted', { deleted, bytes });
  return { deleted, bytes };
}

/** The cron's maintenance: cleanup, then the bytes report as one log line (dashboards read it from logs too). */
export async function artifactMaintenance(ctx: ServiceContext, now = Date.now()) {
  const cleaned = await cleanupExpiredArtifacts(ctx, now);
  const report = await storageReport(ctx, null);
  ctx.log.info('artifact storage report', { report: report.data });
  return { ...cleaned, report: report.data };
}
