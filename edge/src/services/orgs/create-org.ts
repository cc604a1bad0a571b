import { eq } from 'drizzle-orm';
import { apiKeys, members, organizations, users } from '@trawl/db';
import { keepingLastOwner } from '../members/last-owner.ts';
import { newId } from '@trawl/schemas';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../../lib/errors.ts';
import { mintApiKey } from '../keys/api-keys.ts';

export interface CreateOrgInput { name: string; ownerEmail: string; ownerName: string }

/** Provisioning (operator only): an organization, its owner and a first owner key, in one D1 batch. */
export async function createOrgWithOwner(ctx: ServiceContext, input: CreateOrgInput) {
  const now = Date.now();
  const org = { id: newId('org', now), name: input.name, createdAt: now };
  const email = input.ownerEmail.toLowerCase();
  const [existing] = await ctx.db.select().from(users).where(eq(users.email, email)).limit(1);
  const user = existing ?? { id: newId('usr', now), email, name: input.ownerName, createdAt: now };
  const { secret, row } = await mintApiKey({ orgId: org.id, name: `${input.ownerName}'s key`, role: 'owner', scopes: ['*'], createdBy: user.id }, now);
  await ctx.db.batch([
    ctx.db.insert(organizations).values(org),
    ctx.db.insert(users).values(user).onConflictDoNothing(),
    ctx.db.insert(members).values({ orgId: org.id, userId: user.id, role: 'owner', createdAt: now }),
    ctx.db.insert(apiKeys).values(row),
  ]);
  return { org, user, apiKey: { id: row.id, prefix: row.prefix, key: secret, role: row.role, scopes: row.scopes } };
}

/** A further key for an existing organization (used by provisioning and tests; issue 5 adds the self-service API). */
export async function createOrgKey(ctx: ServiceContext, orgId: string, name: string, role: 'owner' | 'admin' | 'editor' | 'viewer', scopes: string[], expiresAt?: number) {
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org) throw notFound('Organization', orgId);
  const { secret, row } = await mintApiKey({ orgId, name, role, scopes, expiresAt: expiresAt ?? null });
  await ctx.db.insert(apiKeys).values(row);
  return { id: row.id, prefix: row.prefix, key: secret, role, scopes };
}

export async function addMember(ctx: ServiceContext, orgId: string, email: string, name: string, role: 'owner' | 'admin' | 'editor' | 'viewer') {
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org) throw notFound('Organization', orgId);
  const now = Date.now();
  const [existing] = await ctx.db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  const user = existing ?? { id: newId('usr', now), email: email.toLowerCase(), name, createdAt: now };
  const member = ctx.db.insert(members).values({ orgId, userId: user.id, role, createdAt: now }).onConflictDoUpdate({ target: [members.orgId, members.userId], set: { role } });
  if (existing) await keepingLastOwner(member, 'The organization\'s last owner cannot be given another role');
  else await ctx.db.batch([ctx.db.insert(users).values(user), member]);
  return { userId: user.id, email: user.email, role };
}
