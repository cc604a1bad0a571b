import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';
import type { NotificationEventName } from '@trawl/schemas';
import { jobs } from './jobs.ts';

/**
 * Where notifications go (ADR 0046): a webhook URL (signed per Standard Webhooks with a `whsec_` secret sealed
 * under CREDENTIALS_KEY; during a rotation the previous secret also signs until `previousSecretUntil`) or an
 * e-mail address. Repeated failure disables an endpoint (`disabledAt`) and its organization's owners are told.
 */
export const notificationEndpoints = sqliteTable('notification_endpoints', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  kind: text('kind', { enum: ['webhook', 'email'] }).notNull(),
  name: text('name').notNull(),
  url: text('url'),
  email: text('email'),
  secretEnc: text('secret_enc'),
  previousSecretEnc: text('previous_secret_enc'),
  previousSecretUntil: integer('previous_secret_until'),
  /** Failed attempts in a row; a success sets it back to 0. */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  disabledAt: integer('disabled_at'),
  disabledReason: text('disabled_reason'),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('notification_endpoints_org_idx').on(t.orgId)]);

/** Which of a job's events go to which endpoint. */
export const notificationSubscriptions = sqliteTable('notification_subscriptions', {
  orgId: text('org_id').notNull().references(() => organizations.id),
  jobId: text('job_id').notNull().references(() => jobs.id),
  event: text('event').$type<NotificationEventName>().notNull(),
  endpointId: text('endpoint_id').notNull().references(() => notificationEndpoints.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.jobId, t.event, t.endpointId] }), index('notification_subscriptions_endpoint_idx').on(t.endpointId)]);

/** One event for one endpoint. Its id is the `webhook-id`: the same on every attempt and on a manual redelivery. */
export const notificationDeliveries = sqliteTable('notification_deliveries', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  endpointId: text('endpoint_id').notNull().references(() => notificationEndpoints.id, { onDelete: 'cascade' }),
  jobId: text('job_id').notNull(),
  runId: text('run_id'),
  event: text('event').$type<NotificationEventName>().notNull(),
  /** The JSON body sent, fixed at emission (`{type, timestamp, data}`). */
  payload: text('payload').notNull(),
  status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('notification_deliveries_endpoint_idx').on(t.endpointId, t.id)]);

/** Every attempt of a delivery: the delivery log's lines. */
export const notificationAttempts = sqliteTable('notification_attempts', {
  id: text('id').primaryKey(),
  deliveryId: text('delivery_id').notNull().references(() => notificationDeliveries.id, { onDelete: 'cascade' }),
  attempt: integer('attempt').notNull(),
  ok: integer('ok', { mode: 'boolean' }).notNull(),
  /** The receiver's HTTP status; null when no answer came (refused target, timeout, connection error). */
  responseCode: integer('response_code'),
  latencyMs: integer('latency_ms').notNull(),
  error: text('error'),
  manual: integer('manual', { mode: 'boolean' }).notNull(),
  at: integer('at').notNull(),
}, (t) => [index('notification_attempts_delivery_idx').on(t.deliveryId, t.attempt)]);
