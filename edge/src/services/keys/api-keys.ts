import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys, type Role } from '@trawl/db';
import { newId, randomString, sha256Hex, timingSafeEqual } from '@trawl/schemas';
import type { Actor, Db } from '../context.ts';

const KEY_PATTERN = /^trawl_([a-z0-9]{10})_([a-z0-9]{40})$/;

/** A new key: the secret is returned once; only its SHA-256 and visible prefix are stored. */
export async function mintApiKey(orgId: string, name: string, role: Role, scopes: string[], createdBy: string | null, now = Date.now()) {
  const prefix = `trawl_${randomString(10)}`;
  const secret = `${prefix}_${randomString(40)}`;
  const row = { id: newId('key', now), orgId, name, prefix, hash: await sha256Hex(secret), role, scopes, createdBy, createdAt: now };
  return { secret, row };
}

/** Resolves a presented key to its actor, or null: unknown, revoked, expired or wrong secret all look the same. */
export async function verifyApiKey(db: Db, presented: string, now = Date.now()): Promise<(Actor & { lastUsedAt: number | null }) | null> {
  const m = KEY_PATTERN.exec(presented);
  if (!m) return null;
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.prefix, `trawl_${m[1]}`), isNull(apiKeys.revokedAt))).limit(1);
  if (!row) return null;
  if (!timingSafeEqual(row.hash, await sha256Hex(presented))) return null;
  if (row.expiresAt !== null && row.expiresAt <= now) return null;
  return { orgId: row.orgId, keyId: row.id, role: row.role, scopes: row.scopes, lastUsedAt: row.lastUsedAt };
}

export async function touchApiKey(db: Db, keyId: string, now = Date.now()): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, keyId));
}
