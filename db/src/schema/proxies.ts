import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organizations } from './organizations.ts';

/**
 * Upstream proxies per organization (ADR 0035). Scheme, host and port are shown; the credentials are one AES-GCM
 * ciphertext under CREDENTIALS_KEY bound to the row (like stored logins), handed decrypted only to the node
 * holding a task's lease.
 */
export const proxies = sqliteTable('proxies', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  scheme: text('scheme', { enum: ['http', 'socks5'] }).notNull(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  country: text('country'),
  credentialsEnc: text('credentials_enc'),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('proxies_org_name_idx').on(t.orgId, t.name)]);
