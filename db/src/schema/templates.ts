import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { JobSpec } from '@trawl/schemas';
import { organizations } from './organizations.ts';

/** An organization's own job templates (the built-in gallery lives in code, @trawl/schemas, not here). */
export const templates = sqliteTable('templates', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  description: text('description').notNull(),
  spec: text('spec', { mode: 'json' }).$type<JobSpec>().notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('templates_org_id_idx').on(t.orgId, t.id)]);
