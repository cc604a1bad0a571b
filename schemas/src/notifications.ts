import { z } from 'zod';

/** Notifications (ADR 0046): endpoints (webhooks signed per Standard Webhooks, or e-mail), per-job subscriptions, deliveries. */
export const NOTIFICATION_EVENT_NAMES = ['run.finished', 'run.failed', 'run.warnings', 'changes.found', 'drift.detected', 'freshness.missed', 'login.stale'] as const;
export const NotificationEventName = z.enum(NOTIFICATION_EVENT_NAMES);
export type NotificationEventName = z.infer<typeof NotificationEventName>;

const WebhookUrl = z.string().max(2000).refine((s) => {
  if (!URL.canParse(s)) return false;
  const u = new URL(s);
  return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && !u.hash;
}, { message: 'give an http(s) URL without credentials or a fragment' });

export const EndpointInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name: z.string().trim().min(1).max(200), url: WebhookUrl }).strict(),
  z.object({ kind: z.literal('email'), name: z.string().trim().min(1).max(200), email: z.email().max(320) }).strict(),
]);
export type EndpointInput = z.infer<typeof EndpointInput>;

/** An endpoint as the API shows it: never its signing secret (shown once, on create and on rotate). */
export const NotificationEndpoint = z.object({
  id: z.string(),
  kind: z.enum(['webhook', 'email']),
  name: z.string(),
  url: z.string().nullable(),
  email: z.string().nullable(),
  enabled: z.boolean(),
  disabledAt: z.number().int().nullable(),
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  /** While a rotated-out secret still signs (both signatures are sent), until when. */
  previousSecretUntil: z.number().int().nullable(),
  createdAt: z.number().int(),
});
export type NotificationEndpoint = z.infer<typeof NotificationEndpoint>;

export const EndpointWithSecret = z.object({
  endpoint: NotificationEndpoint,
  /** `whsec_<base64>`: verify the `webhook-signature` header with it (any Standard Webhooks library). Webhooks only. */
  secret: z.string().nullable(),
});

export const JobSubscription = z.object({ event: NotificationEventName, endpointId: z.string().min(1).max(64) }).strict();
export const JobSubscriptions = z.object({ subscriptions: z.array(JobSubscription).max(100) }).strict();
export type JobSubscriptions = z.infer<typeof JobSubscriptions>;

export const DeliveryAttempt = z.object({
  attempt: z.number().int(),
  ok: z.boolean(),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
  manual: z.boolean(),
  at: z.number().int(),
});

export const NotificationDelivery = z.object({
  id: z.string(),
  endpointId: z.string(),
  jobId: z.string(),
  runId: z.string().nullable(),
  event: NotificationEventName,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(DeliveryAttempt),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;
