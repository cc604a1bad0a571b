import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { LoginFlow } from '@trawl/schemas';
import { organizations } from './organizations.ts';

/**
 * Stored logins per organization. The session (Playwright storageState) and the credential are AES-GCM ciphertexts
 * under the Worker secret CREDENTIALS_KEY, bound to their row (org and login id as associated data); the API never
 * returns them, and only a fleet node holding a task's lease gets them decrypted.
 */
export const logins = sqliteTable('logins', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  storageStateEnc: text('storage_state_enc'),
  credentialEnc: text('credential_enc'),
  flow: text('flow', { mode: 'json' }).$type<LoginFlow>(),
  /** When the session was last saved (by the API or by a node after logging in). */
  stateSavedAt: integer('state_saved_at'),
  /**
   * Set when a run's page failed for good with SESSION_EXPIRED/LOGIN_REQUIRED (issue #13 §3, ADR 0054): when, the
   * failure code and the run. Only the first failing run sets it (the owners are e-mailed once); saving the session
   * again clears it.
   */
  staleAt: integer('stale_at'),
  staleReason: text('stale_reason', { enum: ['SESSION_EXPIRED', 'LOGIN_REQUIRED'] }),
  staleRunId: text('stale_run_id'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('logins_org_name_idx').on(t.orgId, t.name)]);
