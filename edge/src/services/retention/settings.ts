import { eq } from 'drizzle-orm';
import { orgSettings, DEFAULT_ARTIFACT_TTL_DAYS, DEFAULT_RETENTION_DAYS } from '@trawl/db';
import type { ServiceContext } from '../context.ts';

export interface RetentionSettings { artifactTtlDays?: number; retentionDays?: number }

/** The operator's per-organization retention: artifacts' TTL and the runs' data retention (ADR 0047); unnamed ones stay. */
export async function setOrgRetention(ctx: ServiceContext, orgId: string, input: RetentionSettings) {
  const now = Date.now();
  const set = { ...input, updatedAt: now };
  await ctx.db.insert(orgSettings).values({ orgId, ...set }).onConflictDoUpdate({ target: orgSettings.orgId, set });
  const [row] = await ctx.db.select().from(orgSettings).where(eq(orgSettings.orgId, orgId)).limit(1);
  return {
    orgId, artifactTtlDays: row?.artifactTtlDays ?? DEFAULT_ARTIFACT_TTL_DAYS, retentionDays: row?.retentionDays ?? DEFAULT_RETENTION_DAYS,
  };
}
