import { and, desc, eq } from 'drizzle-orm';
import { logins } from '@trawl/db';
import { LoginInput, issuesOf, newId, type Login } from '@trawl/schemas';
import { configOf } from '../../env.ts';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import { seal, sealedWith, unseal } from '../../lib/secret-box.ts';
import { auditStatement } from '../audit/audit.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { policyOf } from '../policy/policy.ts';
import { checkTargets } from '../policy/targets.ts';

type LoginRow = typeof logins.$inferSelect;

/** What the API shows of a stored login: never a secret, only whether there is one. */
const toLogin = (r: LoginRow): Login => ({
  id: r.id, name: r.name, hasStorageState: r.storageStateEnc !== null, hasCredential: r.credentialEnc !== null,
  flow: r.flow ?? null, stateSavedAt: r.stateSavedAt, createdAt: r.createdAt,
  stale: r.staleAt !== null && r.staleReason !== null && r.staleRunId !== null ? { at: r.staleAt, reason: r.staleReason, runId: r.staleRunId } : null,
});

/** Saving a session again (hand-off, a node logging in by flow) clears the stale mark (ADR 0054). */
export const NOT_STALE = { staleAt: null, staleReason: null, staleRunId: null } as const;

/** Associated data binding a ciphertext to its organization, login and field. */
export const aadOf = (orgId: string, loginId: string, field: 'storageState' | 'credential'): string => `${orgId}/${loginId}/${field}`;

/** Every key that may open a stored value: the current one first, then those of before a rotation. */
export function credentialKeys(ctx: ServiceContext): string[] {
  return [credentialsKey(ctx), ...configOf(ctx.env).credentialsKeysPrevious];
}

export function credentialsKey(ctx: ServiceContext): string {
  const key = configOf(ctx.env).credentialsKey;
  if (!key) throw new ApiError('CONFLICT', 'Stored logins need the CREDENTIALS_KEY secret on this deployment');
  return key;
}

export async function createLogin(ctx: ActorContext, body: unknown): Promise<Login> {
  authorize(ctx, 'jobs:write');
  const parsed = LoginInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The login is not valid', issuesOf(parsed.error));
  const key = credentialsKey(ctx);
  const { name, storageState, credential, flow } = parsed.data;
  if (flow) checkTargets([{ path: 'flow.url', url: flow.url }], await policyOf(ctx, ctx.actor.orgId), configOf(ctx.env).allowPrivateTargets);
  const now = Date.now();
  const id = newId('lgn', now);
  const orgId = ctx.actor.orgId;
  const [existing] = await ctx.db.select({ id: logins.id }).from(logins).where(and(eq(logins.orgId, orgId), eq(logins.name, name))).limit(1);
  if (existing) throw new ApiError('CONFLICT', `A login named "${name}" exists already`);
  const row: LoginRow = {
    id, orgId, name, flow: flow ?? null, createdAt: now, updatedAt: now, stateSavedAt: storageState ? now : null, ...NOT_STALE,
    storageStateEnc: storageState ? await seal(key, aadOf(orgId, id, 'storageState'), storageState) : null,
    credentialEnc: credential ? await seal(key, aadOf(orgId, id, 'credential'), credential) : null,
  };
  await ctx.db.batch([ctx.db.insert(logins).values(row), auditStatement(ctx, 'login.create', id, { name, storageState: Boolean(storageState), credential: Boolean(credential) })]);
  return toLogin(row);
}

export async function listLogins(ctx: ActorContext): Promise<{ data: Login[] }> {
  authorize(ctx, 'jobs:read');
  const rows = await ctx.db.select().from(logins).where(eq(logins.orgId, ctx.actor.orgId)).orderBy(desc(logins.id)).limit(200);
  return { data: rows.map(toLogin) };
}

export async function getLogin(ctx: ActorContext, id: string): Promise<Login> {
  authorize(ctx, 'jobs:read');
  const [row] = await ctx.db.select().from(logins).where(and(eq(logins.id, id), eq(logins.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Login', id);
  return toLogin(row);
}

export async function deleteLogin(ctx: ActorContext, id: string): Promise<void> {
  authorize(ctx, 'jobs:write');
  const [row] = await ctx.db.select({ id: logins.id }).from(logins).where(and(eq(logins.id, id), eq(logins.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Login', id);
  await ctx.db.batch([ctx.db.delete(logins).where(and(eq(logins.id, id), eq(logins.orgId, ctx.actor.orgId))), auditStatement(ctx, 'login.delete', id)]);
}

/**
 * After CREDENTIALS_KEY changed (the old one in CREDENTIALS_KEY_PREVIOUS): seal every stored secret again with the
 * current key, so the previous key can then be removed. Idempotent; returns how many values were re-sealed.
 */
export async function rotateLoginKeys(ctx: ServiceContext): Promise<{ resealed: number }> {
  const keys = credentialKeys(ctx);
  const current = keys[0]!;
  let resealed = 0;
  for (const row of await ctx.db.select().from(logins)) {
    const set: Partial<LoginRow> = {};
    for (const field of ['storageState', 'credential'] as const) {
      const sealed = field === 'storageState' ? row.storageStateEnc : row.credentialEnc;
      if (!sealed || await sealedWith(current, sealed)) continue;
      const fresh = await seal(current, aadOf(row.orgId, row.id, field), await unseal(keys, aadOf(row.orgId, row.id, field), sealed));
      if (field === 'storageState') set.storageStateEnc = fresh;
      else set.credentialEnc = fresh;
      resealed++;
    }
    if (Object.keys(set).length) await ctx.db.update(logins).set(set).where(eq(logins.id, row.id));
  }
  return { resealed };
}
