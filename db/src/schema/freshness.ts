import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';
import { jobs } from './jobs.ts';

/**
 * A job's freshness target (ADR 0047): its data should be no older than `maxAgeMinutes` (the last succeeded or
 * partial run's end). The Cron Trigger notifies `freshness.missed` once per miss: `missedAt` marks the miss as
 * notified and is cleared when a new run makes the data fresh again.
 */
export const jobFreshness = sqliteTable('job_freshness', {
  jobId: text('job_id').primaryKey().references(() => jobs.id),
  orgId: text('org_id').notNull().references(() => organizations.id),
  maxAgeMinutes: integer('max_age_minutes').notNull(),
  missedAt: integer('missed_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('job_freshness_org_idx').on(t.orgId)]);
