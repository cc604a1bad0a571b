import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys, type Role } from '@trawl/db';
import { newId, randomString, sha256Hex, timingSafeEqual } from '@trawl/schemas';
import type { Actor, Db } from '../context.ts';

/** `trawl_<prefix>_<secret>` for secret keys, `trawl_pk_<prefix>_<secret>` for publishable ones. */
const KEY_PATTERN = /^(trawl_(?:pk_)?[a-z0-9]{10})_([a-z0-9]{40})$/;

export interface KeySpec {
  orgId: string;
  name: string;
  role: Role;
  scopes: string[];
  kind?: 'secret' | 'publishable';
  jobIds?: string[] | null;
  expiresAt?: number | null;
  rateLimitPerMinute?: number | null;
  createdBy?: string | null;
}

/** A new key: the secret is returned once; only its SHA-256 and visible prefix are stored. */
export async function mintApiKey(spec: KeySpec, now = Date.now()) {
  const kind = spec.kind ?? 'secret';
  const prefix = `trawl_${kind === 'publishable' ? 'pk_' : ''}${randomString(10)}`;
  const secret = `${prefix}_${randomString(40)}`;
  const row: typeof apiKeys.$inferInsert = {
    id: newId('key', now), orgId: spec.orgId, name: spec.name, prefix, hash: await sha256Hex(secret), kind,
    jobIds: spec.jobIds ?? null, role: spec.role, scopes: spec.scopes, createdBy: spec.createdBy ?? null, createdAt: now,
    expiresAt: spec.expiresAt ?? null, rateLimitPerMinute: spec.rateLimitPerMinute ?? null,
  };
  return { secret, row };
}

/** Resolves a presented key to its actor, or null: unknown, revoked, expired or wrong secret all look the same. */
export async function verifyApiKey(db: Db, presented: string, now = Date.now()): Promise<(Actor & { lastUsedAt: number | null }) | null> {
  const m = KEY_PATTERN.exec(presented);
  if (!m) return null;
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.prefix, m[1]!), isNull(apiKeys.revokedAt))).limit(1);
  if (!row) return null;
  if (!timingSafeEqual(row.hash, await sha256Hex(presented))) return null;
  if (row.expiresAt !== null && row.expiresAt <= now) return null;
  return {
    orgId: row.orgId, principal: `key:${row.id}`, keyId: row.id, userId: null, role: row.role, scopes: row.scopes, kind: row.kind, jobIds: row.jobIds ?? null,
    rateLimitPerMinute: row.rateLimitPerMinute ?? null, lastUsedAt: row.lastUsedAt,
  };
}

export async function touchApiKey(db: Db, keyId: string, now = Date.now()): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, keyId));
}
