import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/** Fleet nodes as they last reported themselves; the dispatcher picks nodes with room. */
export const fleetNodes = sqliteTable('fleet_nodes', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  slots: integer('slots').notNull(),
  free: integer('free').notNull(),
  inFlight: integer('in_flight').notNull(),
  draining: integer('draining', { mode: 'boolean' }).notNull(),
  version: text('version').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
});
