import { eq } from 'drizzle-orm';
import { jobPreviews } from '@trawl/db';
import type { PreviewResult } from '@trawl/schemas';
import type { ActorContext } from '../context.ts';
import { getJobRow } from '../jobs/jobs.ts';

/** The job a preview names must be one of the organization's (NOT_FOUND otherwise), checked before any browser work. */
export async function checkPreviewJob(ctx: ActorContext, jobId: string | undefined): Promise<void> {
  if (jobId) await getJobRow(ctx, jobId);
}

/**
 * Remembers a listing preview that succeeded as the job's preview baseline (one row per job, the last one wins):
 * items on the page and fill rates, what the job's runs are compared with (ADR 0031). A failed preview or a detail
 * preview says nothing about a listing page, so it is not kept.
 */
export async function rememberPreview(ctx: ActorContext, jobId: string | undefined, part: 'listing' | 'detail', result: PreviewResult): Promise<void> {
  if (!jobId || part !== 'listing' || result.outcome !== 'succeeded') return;
  const row = { jobId, orgId: ctx.actor.orgId, items: result.itemCount, fillRates: result.fillRates, createdAt: Date.now() };
  await ctx.db.insert(jobPreviews).values(row)
    .onConflictDoUpdate({ target: jobPreviews.jobId, set: { items: row.items, fillRates: row.fillRates, createdAt: row.createdAt },
      // Only ever the organization's own row, whatever was checked before.
      setWhere: eq(jobPreviews.orgId, ctx.actor.orgId) });
}
