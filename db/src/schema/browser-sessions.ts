import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';

/**
 * Interactive browsers held for an organization (BrowserSession Durable Object, ADR 0039). A row is written when the
 * session opens and closed with its browser time (the cost) when it ends.
 */
export const browserSessions = sqliteTable('browser_sessions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  createdBy: text('created_by').notNull(),
  nodeId: text('node_id'),
  status: text('status', { enum: ['active', 'ended'] }).notNull(),
  budgetMs: integer('budget_ms').notNull(),
  idleMs: integer('idle_ms').notNull(),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
  endReason: text('end_reason', { enum: ['client', 'deleted', 'budget', 'idle', 'node'] }),
  browserMs: integer('browser_ms').notNull().default(0),
}, (t) => [index('browser_sessions_org_id_idx').on(t.orgId, t.id)]);
