import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { organizations, users, ROLES } from './organizations.ts';

/** Only the SHA-256 of a key's secret is stored; `prefix` is the visible, unique part used for lookup. */
export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  prefix: text('prefix').notNull().unique(),
  hash: text('hash').notNull(),
  /** `secret` keys call the API; `publishable` keys only read the status of the jobs they name (safe in a web page). */
  kind: text('kind', { enum: ['secret', 'publishable'] }).notNull().default('secret'),
  jobIds: text('job_ids', { mode: 'json' }).$type<string[]>(),
  role: text('role', { enum: ROLES }).notNull(),
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
  createdBy: text('created_by').references(() => users.id),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  expiresAt: integer('expires_at'),
  revokedAt: integer('revoked_at'),
  /** Requests per minute for this key; null means the deployment's default. */
  rateLimitPerMinute: integer('rate_limit_per_minute'),
}, (t) => [index('api_keys_org_idx').on(t.orgId)]);
