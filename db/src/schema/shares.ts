import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';
import { runs } from './jobs.ts';

/**
 * Read-only links to one run's live board for people outside the organization. Only the token's SHA-256 is kept
 * (like sessions): the token is shown once, when the link is made.
 */
export const runShares = sqliteTable('run_shares', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  runId: text('run_id').notNull().references(() => runs.id),
  tokenHash: text('token_hash').notNull().unique(),
  /** Whether the link also shows the run's result items (never artifacts). */
  showResults: integer('show_results', { mode: 'boolean' }).notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
}, (t) => [index('run_shares_run_idx').on(t.runId, t.id)]);
