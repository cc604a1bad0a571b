import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';

/** An organization's egress policy: which domains its jobs may reach (deny wins; an empty allow-list allows any public host). */
export const orgPolicies = sqliteTable('org_policies', {
  orgId: text('org_id').primaryKey().references(() => organizations.id),
  allowDomains: text('allow_domains', { mode: 'json' }).$type<string[]>().notNull(),
  denyDomains: text('deny_domains', { mode: 'json' }).$type<string[]>().notNull(),
  /** Politeness overrides; null means the deployment's default. */
  siteMaxConcurrent: integer('site_max_concurrent'),
  siteMinDelayMs: integer('site_min_delay_ms'),
  maxTasksInFlight: integer('max_tasks_in_flight'),
  maxConcurrentRuns: integer('max_concurrent_runs'),
  updatedAt: integer('updated_at').notNull(),
});

/** Who changed what, when and from where. Written in the same batch as the change it records. */
export const auditLog = sqliteTable('audit_log', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  /** `key:<id>` or `user:<id>`. */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('audit_org_created_idx').on(t.orgId, t.createdAt)]);
