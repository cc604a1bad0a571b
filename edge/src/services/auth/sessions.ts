import { and, eq } from 'drizzle-orm';
import { members, sessions } from '@trawl/db';
import { newId, randomString, sha256Hex, timingSafeEqual } from '@trawl/schemas';
import type { Actor, Db } from '../context.ts';

/** Sessions live SESSION_TTL_MS (30 minutes by default); past half of it a request gets a fresh token (rotation). */
/** A rotated-out token keeps working this long, so requests already in flight do not fail. */
export const ROTATION_GRACE_MS = 30_000;

export interface IssuedSession { token: string; csrf: string; expiresAt: number }

export async function createSession(db: Db, ttlMs: number, userId: string, orgId: string, csrf = randomString(32), now = Date.now()): Promise<IssuedSession> {
  const token = randomString(48);
  await db.insert(sessions).values({
    id: newId('ses', now), tokenHash: await sha256Hex(token), csrfHash: await sha256Hex(csrf), userId, orgId,
    createdAt: now, expiresAt: now + ttlMs, revokedAt: null,
  });
  return { token, csrf, expiresAt: now + ttlMs };
}

export interface SessionCheck {
  actor: Actor;
  sessionId: string;
  csrfHash: string;
  /** Set when the token was rotated by this request: the new cookie to send back. */
  rotated: IssuedSession | null;
}

/**
 * Resolves a session cookie to its member (role from the membership now, so a demotion applies at once),
 * rotating the token past half its life. Expired, revoked or unknown tokens, or a removed membership, give null.
 */
export async function verifySession(db: Db, ttlMs: number, token: string, csrf: string | null, now = Date.now()): Promise<SessionCheck | null> {
  if (!/^[a-z0-9]{48}$/.test(token)) return null;
  const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, await sha256Hex(token))).limit(1);
  if (!row || row.expiresAt <= now || (row.revokedAt !== null && row.revokedAt <= now)) return null;
  const [member] = await db.select().from(members).where(and(eq(members.orgId, row.orgId), eq(members.userId, row.userId))).limit(1);
  if (!member) return null;
  let rotated: IssuedSession | null = null;
  if (row.revokedAt === null && row.expiresAt - now < ttlMs / 2 && csrf) {
    if (timingSafeEqual(await sha256Hex(csrf), row.csrfHash)) {
      rotated = await createSession(db, ttlMs, row.userId, row.orgId, csrf, now);
      await db.update(sessions).set({ revokedAt: now + ROTATION_GRACE_MS }).where(eq(sessions.id, row.id));
    }
  }
  return {
    sessionId: row.id, csrfHash: row.csrfHash, rotated,
    actor: { orgId: row.orgId, principal: `user:${row.userId}`, keyId: null, userId: row.userId, role: member.role, scopes: ['*'], kind: 'secret', jobIds: null, rateLimitPerMinute: null },
  };
}

export async function revokeSession(db: Db, sessionId: string, now = Date.now()): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId));
}
