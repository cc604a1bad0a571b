import { and, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { apiKeys, jobs } from '@trawl/db';
import { issuesOf } from '@trawl/schemas';
import { z } from 'zod';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { ROLE_RANK, SCOPES, authorize, effectivePermissions, scopeGrants } from '../permissions.ts';
import { pageOf, type PageQuery } from '../pagination.ts';
import { auditStatement } from '../audit/audit.ts';
import { mintApiKey } from './api-keys.ts';

export const KeyInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('secret'),
    name: z.string().trim().min(1).max(100),
    role: z.enum(['owner', 'admin', 'editor', 'viewer']),
    scopes: z.array(z.enum(SCOPES)).min(1).max(20).default(['*']),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
  }).strict(),
  z.object({
    kind: z.literal('publishable'),
    name: z.string().trim().min(1).max(100),
    jobIds: z.array(z.string().min(1).max(64)).min(1).max(100),
    rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
  }).strict(),
]);

type KeyRow = typeof apiKeys.$inferSelect;
/** What the API shows of a key: never its hash, and its secret only once, at creation. */
const view = (r: KeyRow) => ({
  id: r.id, name: r.name, prefix: r.prefix, kind: r.kind, role: r.role, scopes: r.scopes, jobIds: r.jobIds ?? null,
  createdAt: r.createdAt, lastUsedAt: r.lastUsedAt ?? null, expiresAt: r.expiresAt ?? null, revokedAt: r.revokedAt ?? null,
  rateLimitPerMinute: r.rateLimitPerMinute ?? null,
});

/**
 * No privilege escalation: a key can only make keys of its role or below, whose scopes grant nothing it lacks.
 */
function checkGrantable(ctx: ActorContext, role: KeyRow['role'], scopes: string[]): void {
  if (ROLE_RANK[role] > ROLE_RANK[ctx.actor.role]) throw new ApiError('FORBIDDEN', `A ${ctx.actor.role} key cannot create a ${role} key`);
  const mine = effectivePermissions(ctx.actor.role, ctx.actor.scopes);
  const wanted = effectivePermissions(role, scopes);
  const extra = wanted.filter((p) => !mine.includes(p));
  if (extra.length) throw new ApiError('FORBIDDEN', `This key cannot grant ${extra.join(', ')}`, { permissions: extra });
  if (scopes.includes('*') && !ctx.actor.scopes.includes('*')) throw new ApiError('FORBIDDEN', 'Only a key with scope "*" can grant "*"');
  if (scopes.includes('admin') && !scopeGrants(ctx.actor.scopes, 'keys:write')) throw new ApiError('FORBIDDEN', 'This key cannot grant "admin"');
}

export async function createKey(ctx: ActorContext, body: unknown) {
  authorize(ctx, 'keys:write');
  const parsed = KeyInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The key is not valid', issuesOf(parsed.error));
  const input = parsed.data;
  const now = Date.now();
  let minted;
  if (input.kind === 'secret') {
    checkGrantable(ctx, input.role, input.scopes);
    minted = await mintApiKey({ orgId: ctx.actor.orgId, name: input.name, role: input.role, scopes: input.scopes,
      expiresAt: input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null, rateLimitPerMinute: input.rateLimitPerMinute ?? null }, now);
  } else {
    const found = await ctx.db.select({ id: jobs.id }).from(jobs)
      .where(and(eq(jobs.orgId, ctx.actor.orgId), inArray(jobs.id, input.jobIds), isNull(jobs.deletedAt)));
    const missing = input.jobIds.filter((id) => !found.some((j) => j.id === id));
    if (missing.length) throw invalid('INVALID_REQUEST', 'Unknown jobs', missing.map((id) => ({ path: 'jobIds', message: `job ${id} was not found` })));
    minted = await mintApiKey({ orgId: ctx.actor.orgId, name: input.name, role: 'viewer', scopes: ['status:read'], kind: 'publishable',
      jobIds: input.jobIds, rateLimitPerMinute: input.rateLimitPerMinute ?? null }, now);
  }
  await ctx.db.batch([
    ctx.db.insert(apiKeys).values(minted.row),
    auditStatement(ctx, 'key.create', minted.row.id, { name: input.name, kind: input.kind, role: minted.row.role, scopes: minted.row.scopes }),
  ]);
  const [row] = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, minted.row.id));
  return { ...view(row!), key: minted.secret };
}

export async function listKeys(ctx: ActorContext, q: PageQuery) {
  authorize(ctx, 'keys:read');
  const rows = await ctx.db.select().from(apiKeys)
    .where(and(eq(apiKeys.orgId, ctx.actor.orgId), q.cursor ? lt(apiKeys.id, q.cursor) : undefined))
    .orderBy(desc(apiKeys.id)).limit(q.limit + 1);
  return pageOf(rows.map(view), q.limit);
}

async function ownKey(ctx: ActorContext, id: string): Promise<KeyRow> {
  const [row] = await ctx.db.select().from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Key', id);
  if (ROLE_RANK[row.role] > ROLE_RANK[ctx.actor.role]) throw new ApiError('FORBIDDEN', `A ${ctx.actor.role} key cannot manage a ${row.role} key`);
  return row;
}

export async function revokeKey(ctx: ActorContext, id: string) {
  authorize(ctx, 'keys:write');
  const row = await ownKey(ctx, id);
  if (row.revokedAt) return view(row);
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.id, id), eq(apiKeys.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'key.revoke', id, { name: row.name }),
  ]);
  return view({ ...row, revokedAt: now });
}

/** A new secret for the same key settings; the old secret stops working at once. */
export async function rotateKey(ctx: ActorContext, id: string) {
  authorize(ctx, 'keys:write');
  const row = await ownKey(ctx, id);
  if (row.revokedAt) throw new ApiError('CONFLICT', `Key ${id} is revoked`);
  const minted = await mintApiKey({ orgId: row.orgId, name: row.name, role: row.role, scopes: row.scopes, kind: row.kind,
    jobIds: row.jobIds, expiresAt: row.expiresAt, rateLimitPerMinute: row.rateLimitPerMinute });
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)),
    ctx.db.insert(apiKeys).values(minted.row),
    auditStatement(ctx, 'key.rotate', id, { newKeyId: minted.row.id }),
  ]);
  const [fresh] = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, minted.row.id));
  return { ...view(fresh!), key: minted.secret, replaces: id };
}
