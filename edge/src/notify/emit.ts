import { and, eq, inArray, isNull } from 'drizzle-orm';
import { jobs, notificationDeliveries, notificationEndpoints, notificationSubscriptions } from '@trawl/db';
import { newId, type NotificationEventName } from '@trawl/schemas';
import type { Env } from '../env.ts';
import { createDb } from '../services/context.ts';
import { deliveryIdOf } from './delivery-id.ts';

export type NotificationEvent = NotificationEventName;

/** How often each step is tried and the first pause between tries (doubling): a busy local D1, a queue hiccup. */
export interface StepRetry { tries: number; pauseMs: number }
export const STEP_RETRY: StepRetry = { tries: 4, pauseMs: 500 };

export interface Notification {
  orgId: string;
  jobId: string;
  event: NotificationEvent;
  runId?: string;
  data: Record<string, unknown>;
  /** When the event happened (a run's end: its finishedAt); with a runId it fixes the delivery ids (delivery-id.ts). */
  at?: number;
}

/**
 * The one way anything notifies (ADR 0046): finds the job's subscriptions to the event on enabled endpoints,
 * records one delivery per endpoint (its id is the `webhook-id`) and queues them. No subscription, no work.
 * The payload is fixed here, in Standard Webhooks' shape: `{type, timestamp, data}`. Returns the deliveries queued.
 *
 * Tried again as a whole (a run's end, ADR 0066), it records nothing twice: an event of a run has one delivery id
 * per endpoint, derived from (run, event, endpoint), and a row already there is kept as it is. Only deliveries
 * not attempted yet are queued again (one whose first send failed); a delivered one is never sent again.
 */
export async function emitNotification(env: Env, n: Notification, retry: StepRetry = STEP_RETRY): Promise<number> {
  const db = createDb(env);
  const step = <T>(f: () => Promise<T>) => again(f, retry);
  const targets = await step(() => db.select({ endpointId: notificationSubscriptions.endpointId }).from(notificationSubscriptions)
    .innerJoin(notificationEndpoints, eq(notificationEndpoints.id, notificationSubscriptions.endpointId))
    .where(and(eq(notificationSubscriptions.orgId, n.orgId), eq(notificationSubscriptions.jobId, n.jobId), eq(notificationSubscriptions.event, n.event),
      isNull(notificationEndpoints.disabledAt))));
  if (!targets.length) return 0;
  const [job] = await step(() => db.select({ name: jobs.name }).from(jobs).where(and(eq(jobs.id, n.jobId), eq(jobs.orgId, n.orgId))).limit(1));
  const now = Date.now();
  const at = n.at ?? now;
  const payload = JSON.stringify({
    type: n.event, timestamp: new Date(at).toISOString(),
    data: { ...n.data, orgId: n.orgId, jobId: n.jobId, jobName: job?.name ?? null, runId: n.runId ?? null },
  });
  const rows = await Promise.all(targets.map(async (t) => ({
    id: n.runId ? await deliveryIdOf(n.runId, n.event, t.endpointId, at) : newId('msg', now),
    orgId: n.orgId, endpointId: t.endpointId, jobId: n.jobId, runId: n.runId ?? null, event: n.event,
    payload, status: 'pending' as const, attempts: 0, createdAt: now, updatedAt: now,
  })));
  // The rows' batch is all or nothing, and a row already recorded (an earlier try of this run's event) is left alone.
  await step(() => {
    const [first, ...rest] = rows.map((r) => db.insert(notificationDeliveries).values(r).onConflictDoNothing());
    return db.batch([first!, ...rest]);
  });
  const ids = rows.map((r) => r.id);
  const due = await step(() => db.select({ id: notificationDeliveries.id }).from(notificationDeliveries)
    .where(and(inArray(notificationDeliveries.id, ids), eq(notificationDeliveries.status, 'pending'), eq(notificationDeliveries.attempts, 0))));
  if (due.length) await step(() => env.NOTIFICATIONS.sendBatch(due.map((r) => ({ body: { deliveryId: r.id } }))));
  return due.length;
}

/** `f`, tried up to `tries` times with a growing pause (`pauseMs`, doubling). */
async function again<T>(f: () => Promise<T>, { tries, pauseMs }: StepRetry): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, pauseMs * 2 ** (i - 1)));
    }
  }
}
