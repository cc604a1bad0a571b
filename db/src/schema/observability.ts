import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';

export const ARTIFACT_KINDS = ['trace', 'har', 'screenshot'] as const;
export const DEFAULT_ARTIFACT_TTL_DAYS = 7;
export const DEFAULT_RETENTION_DAYS = 30;

/** Per-organization settings of the observability features; a missing row means the defaults. */
export const orgSettings = sqliteTable('org_settings', {
  orgId: text('org_id').primaryKey().references(() => organizations.id),
  artifactTtlDays: integer('artifact_ttl_days').notNull().default(DEFAULT_ARTIFACT_TTL_DAYS),
  /** Days a run's results, logs, coordinator storage and task attempts are kept after it ends (null: the default, ADR 0047). */
  retentionDays: integer('retention_days'),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Every artifact object in R2, so listing, the bytes report and the TTL cleanup are queries, never R2 scans.
 * The cleanup deletes the object first and the row after: a row never points at nothing for long, and an
 * object is never left without a row to find it by.
 */
export const artifacts = sqliteTable('artifacts', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  runId: text('run_id').notNull(),
  jobId: text('job_id').notNull(),
  taskId: text('task_id').notNull(),
  attempt: integer('attempt').notNull(),
  kind: text('kind', { enum: ARTIFACT_KINDS }).notNull(),
  name: text('name').notNull(),
  r2Key: text('r2_key').notNull(),
  bytes: integer('bytes').notNull(),
  contentType: text('content_type').notNull(),
  /** 'gzip' when stored compressed (HAR); downloads are decompressed on the way out. */
  encoding: text('encoding'),
  /** Size once decompressed (measured by the edge on upload, ADR 0055); equals `bytes` when stored as is; null before 0055. */
  uncompressedBytes: integer('uncompressed_bytes'),
  createdAt: integer('created_at').notNull(),
}, (t) => [
  uniqueIndex('artifacts_r2_key_idx').on(t.r2Key),
  index('artifacts_run_idx').on(t.runId),
  index('artifacts_org_created_idx').on(t.orgId, t.createdAt),
]);

/** One row per applied task result (first delivery only): what task-level stats are computed from. */
export const taskAttempts = sqliteTable('task_attempts', {
  runId: text('run_id').notNull(),
  taskId: text('task_id').notNull(),
  attempt: integer('attempt').notNull(),
  orgId: text('org_id').notNull(),
  jobId: text('job_id').notNull(),
  outcome: text('outcome', { enum: ['succeeded', 'failed'] }).notNull(),
  code: text('code'),
  durationMs: integer('duration_ms').notNull(),
  items: integer('items').notNull(),
  finishedAt: integer('finished_at').notNull(),
  /** Artifacts per kind this attempt did not keep because of the job's sampling choice (on-retry, on-failure; ADR 0055). */
  skippedTrace: integer('skipped_trace').notNull().default(0),
  skippedHar: integer('skipped_har').notNull().default(0),
  skippedScreenshots: integer('skipped_screenshots').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.runId, t.taskId, t.attempt] }), index('task_attempts_org_finished_idx').on(t.orgId, t.finishedAt)]);
