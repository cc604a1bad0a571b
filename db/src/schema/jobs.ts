import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { JobSpec, RunCounts, Failure, RunStatus, RunWarning, FillRates, RunChanges, RunSuspect, RunFieldStats, ChangeLine } from '@trawl/schemas';
import { organizations } from './organizations.ts';

export const jobs = sqliteTable('jobs', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  spec: text('spec', { mode: 'json' }).$type<JobSpec>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** Soft delete: runs and results of a deleted job stay readable. */
  deletedAt: integer('deleted_at'),
}, (t) => [index('jobs_org_created_idx').on(t.orgId, t.createdAt)]);

export type { RunChanges };

export const runs = sqliteTable('runs', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  jobId: text('job_id').notNull().references(() => jobs.id),
  status: text('status').$type<RunStatus>().notNull(),
  trigger: text('trigger', { enum: ['api', 'cron', 'schedule'] }).notNull(),
  /** For runs a schedule started: the slot (ms) they were started for (ADR 0042). */
  scheduleSlot: integer('schedule_slot'),
  counts: text('counts', { mode: 'json' }).$type<RunCounts>().notNull(),
  error: text('error', { mode: 'json' }).$type<Failure>(),
  changes: text('changes', { mode: 'json' }).$type<RunChanges>(),
  /** The run's warnings (ADR 0028), written when it ends; null for runs that ended before warnings existed. */
  warnings: text('warnings', { mode: 'json' }).$type<RunWarning[]>(),
  /** Per field, the share of items with a value: what the job's next run is compared against (FILL_RATE_DROP). */
  fillRates: text('fill_rates', { mode: 'json' }).$type<FillRates>(),
  /** Set when the drift guard found a field broken against recent good runs (ADR 0045); change notifications wait for acceptance. */
  suspect: text('suspect', { mode: 'json' }).$type<RunSuspect>(),
  /** Per field: fill, type mix, distinct values, numeric range; what later runs' drift guard compares against. */
  fieldStats: text('field_stats', { mode: 'json' }).$type<RunFieldStats>(),
  createdAt: integer('created_at').notNull(),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
  /** When the retention sweep deleted the run's results, logs and coordinator storage (the row stays, ADR 0047). */
  expiredAt: integer('expired_at'),
}, (t) => [index('runs_org_created_idx').on(t.orgId, t.createdAt), index('runs_job_created_idx').on(t.jobId, t.createdAt)]);

/** Every item a job has produced, by dedupe key: what change detection compares a new run against. */
export const itemsIndex = sqliteTable('items_index', {
  orgId: text('org_id').notNull(),
  jobId: text('job_id').notNull().references(() => jobs.id),
  key: text('key').notNull(),
  hash: text('hash').notNull(),
  firstSeenRunId: text('first_seen_run_id').notNull(),
  lastSeenRunId: text('last_seen_run_id').notNull(),
  lastChangedRunId: text('last_changed_run_id').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.jobId, t.key] }), index('items_index_last_seen_idx').on(t.jobId, t.lastSeenRunId)]);

/** Each change of an item, by run (ADR 0045): what GET /v1/jobs/{id}/items/{key}/history reads. */
export const itemHistory = sqliteTable('item_history', {
  orgId: text('org_id').notNull(),
  jobId: text('job_id').notNull().references(() => jobs.id),
  runId: text('run_id').notNull(),
  key: text('key').notNull(),
  change: text('change').$type<ChangeLine['change']>().notNull(),
  fields: text('fields', { mode: 'json' }).$type<string[]>().notNull(),
  before: text('before', { mode: 'json' }).$type<Record<string, unknown>>(),
  after: text('after', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.key] }), index('item_history_job_key_idx').on(t.jobId, t.key, t.createdAt)]);
