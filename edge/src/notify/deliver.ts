import { and, eq, isNull, sql } from 'drizzle-orm';
import { notificationAttempts, notificationDeliveries, notificationEndpoints } from '@trawl/db';
import { newId } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { createDb, type ServiceContext } from '../services/context.ts';
import { attemptDelivery } from './attempt.ts';
import { notifyConfigOf, retryDelaySeconds } from './config.ts';
import { disableEndpoint } from './disable.ts';
import type { NotifyMessage } from './messages.ts';

type Next = { kind: 'done' } | { kind: 'retry'; delaySeconds: number };

/**
 * The notifications queue's consumer (ADR 0046). Each message is one attempt; a failed attempt is retried through
 * the queue with exponential backoff (never acked on failure) until NOTIFY_MAX_ATTEMPTS, and every attempt is a
 * line in the delivery log. A delivery already delivered is not sent again by a duplicate message.
 */
export async function consumeNotifications(batch: MessageBatch<NotifyMessage>, env: Env): Promise<void> {
  const log = createLogger({ component: 'notifications' });
  const ctx: ServiceContext = { env, db: createDb(env), log, requestId: 'notifications', baseUrl: '' };
  for (const msg of batch.messages) {
    try {
      const next = await deliverOnce(ctx, msg.body);
      if (next.kind === 'retry') msg.retry({ delaySeconds: next.delaySeconds });
      else msg.ack();
    } catch (err) {
      log.error('a notification attempt failed to run; retrying', { deliveryId: msg.body.deliveryId, err: String(err) });
      msg.retry({ delaySeconds: retryDelaySeconds(notifyConfigOf(env), msg.attempts) });
    }
  }
}

/** A message that kept crashing its consumer: its delivery is marked failed, so the log never shows it pending forever. */
export async function consumeDeadNotifications(batch: MessageBatch<NotifyMessage>, env: Env): Promise<void> {
  const db = createDb(env);
  for (const msg of batch.messages) {
    await db.update(notificationDeliveries).set({ status: 'failed', updatedAt: Date.now() })
      .where(and(eq(notificationDeliveries.id, msg.body.deliveryId), eq(notificationDeliveries.status, 'pending')));
    msg.ack();
  }
}

export async function deliverOnce(ctx: ServiceContext, m: NotifyMessage): Promise<Next> {
  const cfg = notifyConfigOf(ctx.env);
  const [row] = await ctx.db.select().from(notificationDeliveries)
    .innerJoin(notificationEndpoints, eq(notificationEndpoints.id, notificationDeliveries.endpointId))
    .where(eq(notificationDeliveries.id, m.deliveryId)).limit(1);
  if (!row) return { kind: 'done' };
  const { notification_deliveries: delivery, notification_endpoints: endpoint } = row;
  if (delivery.status !== 'pending') return { kind: 'done' };
  const now = Date.now();
  if (endpoint.disabledAt !== null) {
    await ctx.db.update(notificationDeliveries).set({ status: 'failed', updatedAt: now }).where(eq(notificationDeliveries.id, delivery.id));
    return { kind: 'done' };
  }
  const outcome = await attemptDelivery(ctx, endpoint, delivery);
  const attempt = delivery.attempts + 1;
  const again = !outcome.ok && outcome.retryable && !m.manual && attempt < cfg.maxAttempts;
  const status = outcome.ok ? 'delivered' : again ? 'pending' : 'failed';
  await ctx.db.batch([
    ctx.db.insert(notificationAttempts).values({
      id: newId('nat'), deliveryId: delivery.id, attempt, ok: outcome.ok, responseCode: outcome.responseCode, latencyMs: outcome.latencyMs,
      error: outcome.error, manual: Boolean(m.manual), at: Date.now(),
    }),
    ctx.db.update(notificationDeliveries).set({ status, attempts: attempt, updatedAt: Date.now() }).where(eq(notificationDeliveries.id, delivery.id)),
    ctx.db.update(notificationEndpoints)
      .set({ consecutiveFailures: outcome.ok ? 0 : sql`${notificationEndpoints.consecutiveFailures} + 1`, updatedAt: Date.now() })
      .where(and(eq(notificationEndpoints.id, endpoint.id), isNull(notificationEndpoints.disabledAt))),
  ]);
  if (!outcome.ok && endpoint.consecutiveFailures + 1 >= cfg.disableAfter) {
    await disableEndpoint(ctx, endpoint, `${endpoint.consecutiveFailures + 1} failed attempts in a row; the last: ${outcome.error ?? 'failed'}`);
  }
  ctx.log.info('notification attempt', { deliveryId: delivery.id, endpointId: endpoint.id, attempt, ok: outcome.ok, responseCode: outcome.responseCode, status });
  return again ? { kind: 'retry', delaySeconds: retryDelaySeconds(cfg, attempt) } : { kind: 'done' };
}
