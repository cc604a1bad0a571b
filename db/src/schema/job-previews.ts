import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import type { FillRates } from '@trawl/schemas';
import { jobs } from './jobs.ts';
import { organizations } from './organizations.ts';

/**
 * The last listing preview of a job (POST /v1/preview with its jobId): items on the one page it ran and per-field
 * fill rates. A run warns FEWER_ITEMS / FILL_RATE_DROP against it as well as against the previous run (ADR 0031).
 */
export const jobPreviews = sqliteTable('job_previews', {
  jobId: text('job_id').primaryKey().references(() => jobs.id),
  orgId: text('org_id').notNull().references(() => organizations.id),
  /** Items the previewed page gave (one page: what a run's listing pages are compared with, per page). */
  items: integer('items').notNull(),
  fillRates: text('fill_rates', { mode: 'json' }).$type<FillRates>().notNull(),
  createdAt: integer('created_at').notNull(),
});
