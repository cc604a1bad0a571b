import { and, desc, eq } from 'drizzle-orm';
import { runShares } from '@trawl/db';
import { issuesOf, newId, randomString, sha256Hex } from '@trawl/schemas';
import { z } from 'zod';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import { getRunRow } from '../runs/runs.ts';

/** POST /v1/runs/{id}/shares: how long the link lives (1 hour to 30 days) and whether it shows result items. */
export const ShareInput = z.object({
  expiresInHours: z.number().int().min(1).max(720),
  showResults: z.boolean().default(false),
}).strict();

type ShareRow = typeof runShares.$inferSelect;
const toShare = (r: ShareRow, now = Date.now()) => ({
  id: r.id, runId: r.runId, showResults: r.showResults, createdBy: r.createdBy, createdAt: r.createdAt, expiresAt: r.expiresAt,
  revokedAt: r.revokedAt ?? null, active: r.revokedAt === null && r.expiresAt > now,
});

/** The page a share opens; the token travels in the query string because a browser's WebSocket cannot send headers. */
export const shareLink = (baseUrl: string, token: string) => `${baseUrl}/app/share/?token=${token}`;

/** A share link for a run of the caller's organization; the token (prefix `trawl_share_`) is in this answer only. */
export async function createShare(ctx: ActorContext, runId: string, body: unknown) {
  authorize(ctx, 'runs:write');
  const parsed = ShareInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The share link is not valid', issuesOf(parsed.error));
  await getRunRow(ctx, runId);
  const now = Date.now();
  const token = `trawl_share_${randomString(40)}`;
  const row: ShareRow = {
    id: newId('shr', now), orgId: ctx.actor.orgId, runId, tokenHash: await sha256Hex(token), showResults: parsed.data.showResults,
    createdBy: ctx.actor.principal, createdAt: now, expiresAt: now + parsed.data.expiresInHours * 3_600_000, revokedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(runShares).values(row),
    auditStatement(ctx, 'run.share.create', row.id, { runId, expiresAt: row.expiresAt, showResults: row.showResults }),
  ]);
  return { ...toShare(row, now), token, url: shareLink(ctx.baseUrl, token) };
}

export async function listShares(ctx: ActorContext, runId: string) {
  authorize(ctx, 'runs:read');
  await getRunRow(ctx, runId);
  const rows = await ctx.db.select().from(runShares)
    .where(and(eq(runShares.orgId, ctx.actor.orgId), eq(runShares.runId, runId))).orderBy(desc(runShares.id)).limit(200);
  return { data: rows.map((r) => toShare(r)) };
}

/** Revoking is final and immediate: the next read or socket open with the token is refused. */
export async function revokeShare(ctx: ActorContext, id: string) {
  authorize(ctx, 'runs:write');
  const [row] = await ctx.db.select().from(runShares).where(and(eq(runShares.id, id), eq(runShares.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Share link', id);
  if (row.revokedAt !== null) throw new ApiError('CONFLICT', `Share link ${id} is already revoked`);
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(runShares).set({ revokedAt: now }).where(and(eq(runShares.id, id), eq(runShares.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'run.share.revoke', id, { runId: row.runId }),
  ]);
  return toShare({ ...row, revokedAt: now }, now);
}
