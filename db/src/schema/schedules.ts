import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';
import { jobs } from './jobs.ts';

/** A job's cron schedule (ADR 0042): at most one per job; the Cron Trigger reconciles it every minute. */
export const schedules = sqliteTable('schedules', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  jobId: text('job_id').notNull().references(() => jobs.id).unique(),
  cron: text('cron').notNull(),
  timeZone: text('time_zone').notNull(),
  catchUp: text('catch_up', { enum: ['latest', 'none'] }).notNull(),
  overlap: text('overlap', { enum: ['skip', 'queue', 'allow'] }).notNull(),
  jitterSeconds: integer('jitter_seconds').notNull(),
  pausedAt: integer('paused_at'),
  /** The last slot (ms) decided: the next tick looks at slots after it. Set to "now" on create and resume. */
  cursor: integer('cursor').notNull(),
  /** The slot held back by overlap "queue" while the job's run goes on. */
  queuedSlot: integer('queued_slot'),
  /** Who set the schedule: its runs start on that principal's behalf (the audit log names it). */
  createdBy: text('created_by').notNull(),
  /** The edge's origin when the schedule was set: where its runs' tasks report when PUBLIC_URL is not configured. */
  edgeUrl: text('edge_url').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('schedules_org_idx').on(t.orgId)]);

/** One row per decided slot; the primary key (schedule, slot) is what makes a start happen once, whatever the ticks do. */
export const scheduleSlots = sqliteTable('schedule_slots', {
  scheduleId: text('schedule_id').notNull().references(() => schedules.id, { onDelete: 'cascade' }),
  slot: integer('slot').notNull(),
  action: text('action', { enum: ['start', 'queue', 'skip'] }).notNull(),
  reason: text('reason'),
  runId: text('run_id'),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.scheduleId, t.slot] })]);
