import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { organizations, users, ROLES } from './organizations.ts';

/** A person's account at an OpenID provider, linked to a Trawl user. */
export const identities = sqliteTable('identities', {
  issuer: text('issuer').notNull(),
  subject: text('subject').notNull(),
  userId: text('user_id').notNull().references(() => users.id),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.issuer, t.subject] })]);

/**
 * Browser sessions: short-lived and rotated. Only hashes of the session token and of its CSRF token are stored.
 * A rotated session keeps working for a short grace period so requests already in flight do not fail.
 */
export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  csrfHash: text('csrf_hash').notNull(),
  userId: text('user_id').notNull().references(() => users.id),
  orgId: text('org_id').notNull().references(() => organizations.id),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
}, (t) => [index('sessions_user_idx').on(t.userId)]);

/** One sign-in in progress: PKCE verifier, nonce and where to go afterwards, kept server-side for ten minutes. */
export const oidcStates = sqliteTable('oidc_states', {
  state: text('state').primaryKey(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  returnTo: text('return_to').notNull(),
  inviteTokenHash: text('invite_token_hash'),
  expiresAt: integer('expires_at').notNull(),
});

/** Invitations by link: the link carries a token whose hash is stored; accepting it makes the member. */
export const invitations = sqliteTable('invitations', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  role: text('role', { enum: ROLES }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  acceptedAt: integer('accepted_at'),
  acceptedBy: text('accepted_by'),
}, (t) => [index('invitations_org_idx').on(t.orgId)]);
