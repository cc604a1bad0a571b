import { and, eq, isNull } from 'drizzle-orm';
import { jobs, notificationDeliveries, notificationEndpoints, notificationSubscriptions } from '@trawl/db';
import { newId, type NotificationEventName } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { createDb } from '../services/context.ts';

export type NotificationEvent = NotificationEventName;

/**
 * The one way anything notifies (ADR 0046): finds the job's subscriptions to the event on enabled endpoints,
 * records one delivery per endpoint (its id is the `webhook-id`) and queues them. No subscription, no work.
 * The payload is fixed here, in Standard Webhooks' shape: `{type, timestamp, data}`.
 */
export async function emitNotification(env: Env, n: { orgId: string; jobId: string; event: NotificationEvent; runId?: string; data: Record<string, unknown> }): Promise<void> {
  const db = createDb(env);
  const targets = await again(() => db.select({ endpointId: notificationSubscriptions.endpointId }).from(notificationSubscriptions)
    .innerJoin(notificationEndpoints, eq(notificationEndpoints.id, notificationSubscriptions.endpointId))
    .where(and(eq(notificationSubscriptions.orgId, n.orgId), eq(notificationSubscriptions.jobId, n.jobId), eq(notificationSubscriptions.event, n.event),
      isNull(notificationEndpoints.disabledAt))));
  if (!targets.length) return;
  const [job] = await again(() => db.select({ name: jobs.name }).from(jobs).where(and(eq(jobs.id, n.jobId), eq(jobs.orgId, n.orgId))).limit(1));
  const now = Date.now();
  const payload = JSON.stringify({
    type: n.event, timestamp: new Date(now).toISOString(),
    data: { ...n.data, orgId: n.orgId, jobId: n.jobId, jobName: job?.name ?? null, runId: n.runId ?? null },
  });
  const rows = targets.map((t) => ({
    id: newId('msg', now), orgId: n.orgId, endpointId: t.endpointId, jobId: n.jobId, runId: n.runId ?? null, event: n.event,
    payload, status: 'pending' as const, attempts: 0, createdAt: now, updatedAt: now,
  }));
  // Each step is tried again on its own (a busy local D1, a queue hiccup): the rows' batch is all or nothing, so a
  // second try cannot record a delivery twice, and a failed send does not insert the rows again.
  await again(() => {
    const [first, ...rest] = rows.map((r) => db.insert(notificationDeliveries).values(r));
    return db.batch([first!, ...rest]);
  });
  await again(() => env.NOTIFICATIONS.sendBatch(rows.map((r) => ({ body: { deliveryId: r.id } }))));
}

/** `step`, tried up to `tries` times with a short growing pause: the run's end is notified once, from its coordinator. */
async function again<T>(step: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 250 * 2 ** i));
    }
  }
}
