import { and, desc, eq, lt } from 'drizzle-orm';
import { auditLog } from '@trawl/db';
import { newId } from '@trawl/schemas';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { pageOf, type PageQuery } from '../pagination.ts';

/**
 * The audit row for a change, as a statement to put in the same D1 batch as the change itself,
 * so a change is never stored without its record. Details must never hold a secret.
 */
export function auditStatement(ctx: ActorContext, action: string, target: string, details?: Record<string, unknown>) {
  return ctx.db.insert(auditLog).values({
    id: newId('aud'), orgId: ctx.actor.orgId, actor: ctx.actor.principal, action, target, details: details ?? null,
    ip: ctx.client?.ip ?? null, userAgent: ctx.client?.userAgent?.slice(0, 300) ?? null, createdAt: Date.now(),
  });
}

export async function listAudit(ctx: ActorContext, q: PageQuery) {
  authorize(ctx, 'audit:read');
  const rows = await ctx.db.select().from(auditLog)
    .where(and(eq(auditLog.orgId, ctx.actor.orgId), q.cursor ? lt(auditLog.id, q.cursor) : undefined))
    .orderBy(desc(auditLog.id)).limit(q.limit + 1);
  return pageOf(rows.map(({ orgId: _, ...r }) => r), q.limit);
}
