import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { notificationAttempts, notificationDeliveries } from '@trawl/db';
import type { NotificationDelivery } from '@trawl/schemas';
import { ApiError, notFound } from '../../lib/errors.ts';
import { auditStatement } from '../audit/audit.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { endpointRow } from './endpoints.ts';

type DeliveryRow = typeof notificationDeliveries.$inferSelect;
type AttemptRow = typeof notificationAttempts.$inferSelect;

const toDelivery = (d: DeliveryRow, attempts: AttemptRow[]): NotificationDelivery => ({
  id: d.id, endpointId: d.endpointId, jobId: d.jobId, runId: d.runId, event: d.event, status: d.status, createdAt: d.createdAt, updatedAt: d.updatedAt,
  attempts: attempts.filter((a) => a.deliveryId === d.id).sort((a, b) => a.attempt - b.attempt)
    .map((a) => ({ attempt: a.attempt, ok: a.ok, responseCode: a.responseCode, latencyMs: a.latencyMs, error: a.error, manual: a.manual, at: a.at })),
});

/** The endpoint's delivery log, newest first, each delivery with its attempts (status, response code, latency, error). */
export async function listDeliveries(ctx: ActorContext, endpointId: string, q: { limit: number; before?: string }): Promise<{ data: NotificationDelivery[]; nextBefore: string | null }> {
  authorize(ctx, 'notifications:read');
  await endpointRow(ctx, endpointId);
  const rows = await ctx.db.select().from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.orgId, ctx.actor.orgId), eq(notificationDeliveries.endpointId, endpointId), q.before ? lt(notificationDeliveries.id, q.before) : undefined))
    .orderBy(desc(notificationDeliveries.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const attempts = page.length ? await ctx.db.select().from(notificationAttempts).where(inArray(notificationAttempts.deliveryId, page.map((d) => d.id))) : [];
  return { data: page.map((d) => toDelivery(d, attempts)), nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

/**
 * Sends a delivery again, once, with the same `webhook-id` (receivers dedupe by it) and a fresh timestamp and
 * signature. Not while it is still being tried, and not to a disabled endpoint (enable it first).
 */
export async function redeliver(ctx: ActorContext, deliveryId: string): Promise<NotificationDelivery> {
  authorize(ctx, 'notifications:write');
  const [row] = await ctx.db.select().from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Delivery', deliveryId);
  if (row.status === 'pending') throw new ApiError('CONFLICT', 'The delivery is still being tried; redeliver it once it has succeeded or failed');
  const endpoint = await endpointRow(ctx, row.endpointId);
  if (endpoint.disabledAt !== null) throw new ApiError('CONFLICT', 'The endpoint is disabled; enable it first (POST /v1/notifications/endpoints/{id}/enable)');
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(notificationDeliveries).set({ status: 'pending', updatedAt: now })
      .where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.endpointId, endpoint.id))),
    auditStatement(ctx, 'notification_delivery.redeliver', deliveryId, { endpointId: endpoint.id }),
  ]);
  await ctx.env.NOTIFICATIONS.send({ deliveryId, manual: true });
  const attempts = await ctx.db.select().from(notificationAttempts).where(eq(notificationAttempts.deliveryId, deliveryId));
  return toDelivery({ ...row, status: 'pending', updatedAt: now }, attempts);
}
