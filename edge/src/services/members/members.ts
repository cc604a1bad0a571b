import { and, eq, isNull } from 'drizzle-orm';
import { identities, invitations, members, organizations, users, type Role } from '@trawl/db';
import { issuesOf, newId, randomString, sha256Hex } from '@trawl/schemas';
import { z } from 'zod';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { ROLE_RANK, authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import type { SignedIn } from '../auth/oidc.ts';

/** Finds or creates the user of a verified sign-in and picks the organization the session opens in. */
export async function userForSignIn(ctx: ServiceContext, who: SignedIn): Promise<{ userId: string; orgId: string }> {
  const now = Date.now();
  const [linked] = await ctx.db.select().from(identities).where(and(eq(identities.issuer, who.issuer), eq(identities.subject, who.subject))).limit(1);
  let userId = linked?.userId;
  if (!userId) {
    const [byEmail] = await ctx.db.select().from(users).where(eq(users.email, who.email)).limit(1);
    userId = byEmail?.id ?? newId('usr', now);
    const link = ctx.db.insert(identities).values({ issuer: who.issuer, subject: who.subject, userId, createdAt: now });
    if (byEmail) await link;
    else await ctx.db.batch([ctx.db.insert(users).values({ id: userId, email: who.email, name: who.name, createdAt: now }), link]);
  }
  if (who.inviteTokenHash) return { userId, orgId: await acceptInvitation(ctx, userId, who.inviteTokenHash) };
  const [first] = await ctx.db.select().from(members).where(eq(members.userId, userId)).limit(1);
  if (first) return { userId, orgId: first.orgId };
  // A first sign-in without an invitation gets an organization of its own, as its owner.
  const orgId = newId('org', now);
  await ctx.db.batch([
    ctx.db.insert(organizations).values({ id: orgId, name: `${who.name}'s organization`, createdAt: now }),
    ctx.db.insert(members).values({ orgId, userId, role: 'owner', createdAt: now }),
  ]);
  return { userId, orgId };
}

async function acceptInvitation(ctx: ServiceContext, userId: string, tokenHash: string): Promise<string> {
  const now = Date.now();
  const [inv] = await ctx.db.select().from(invitations).where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt))).limit(1);
  if (!inv || inv.expiresAt < now) throw new ApiError('NOT_FOUND', 'The invitation is unknown, used or expired');
  await ctx.db.batch([
    ctx.db.insert(members).values({ orgId: inv.orgId, userId, role: inv.role, createdAt: now })
      .onConflictDoUpdate({ target: [members.orgId, members.userId], set: { role: inv.role } }),
    ctx.db.update(invitations).set({ acceptedAt: now, acceptedBy: userId }).where(eq(invitations.id, inv.id)),
  ]);
  return inv.orgId;
}

export async function listMembers(ctx: ActorContext) {
  authorize(ctx, 'members:read');
  const rows = await ctx.db.select({ userId: members.userId, role: members.role, email: users.email, name: users.name, createdAt: members.createdAt })
    .from(members).innerJoin(users, eq(users.id, members.userId)).where(eq(members.orgId, ctx.actor.orgId));
  return { data: rows };
}

const RoleChange = z.object({ role: z.enum(['owner', 'admin', 'editor', 'viewer']) }).strict();

async function memberOf(ctx: ActorContext, userId: string) {
  const [m] = await ctx.db.select().from(members).where(and(eq(members.orgId, ctx.actor.orgId), eq(members.userId, userId))).limit(1);
  if (!m) throw notFound('Member', userId);
  return m;
}

async function ownerCount(ctx: ActorContext): Promise<number> {
  return (await ctx.db.select().from(members).where(and(eq(members.orgId, ctx.actor.orgId), eq(members.role, 'owner')))).length;
}

/** Nobody grants or touches a role above their own; the last owner cannot be demoted or removed. */
function checkRoleChange(ctx: ActorContext, from: Role, to: Role | null) {
  if (ROLE_RANK[from] > ROLE_RANK[ctx.actor.role] || (to && ROLE_RANK[to] > ROLE_RANK[ctx.actor.role])) {
    throw new ApiError('FORBIDDEN', `A ${ctx.actor.role} cannot change a ${from}${to ? ` into a ${to}` : ''}`);
  }
}

export async function changeRole(ctx: ActorContext, userId: string, body: unknown) {
  authorize(ctx, 'members:write');
  const parsed = RoleChange.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The role change is not valid', issuesOf(parsed.error));
  const m = await memberOf(ctx, userId);
  checkRoleChange(ctx, m.role, parsed.data.role);
  if (m.role === 'owner' && parsed.data.role !== 'owner' && await ownerCount(ctx) === 1) {
    throw new ApiError('CONFLICT', 'The last owner cannot be demoted; make another member owner first');
  }
  await ctx.db.batch([
    ctx.db.update(members).set({ role: parsed.data.role }).where(and(eq(members.orgId, ctx.actor.orgId), eq(members.userId, userId))),
    auditStatement(ctx, 'member.role', userId, { from: m.role, to: parsed.data.role }),
  ]);
  return { userId, role: parsed.data.role };
}

export async function removeMember(ctx: ActorContext, userId: string) {
  const self = ctx.actor.userId === userId;
  if (!self) authorize(ctx, 'members:write');
  const m = await memberOf(ctx, userId);
  if (!self) checkRoleChange(ctx, m.role, null);
  if (m.role === 'owner' && await ownerCount(ctx) === 1) throw new ApiError('CONFLICT', 'The last owner cannot leave; make another member owner first');
  await ctx.db.batch([
    ctx.db.delete(members).where(and(eq(members.orgId, ctx.actor.orgId), eq(members.userId, userId))),
    auditStatement(ctx, self ? 'member.leave' : 'member.remove', userId, { role: m.role }),
  ]);
}

const InvitationInput = z.object({ role: z.enum(['owner', 'admin', 'editor', 'viewer']), expiresInHours: z.number().int().min(1).max(24 * 30).default(72) }).strict();

export async function createInvitation(ctx: ActorContext, body: unknown) {
  authorize(ctx, 'members:write');
  const parsed = InvitationInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The invitation is not valid', issuesOf(parsed.error));
  checkRoleChange(ctx, 'viewer', parsed.data.role);
  const token = randomString(40);
  const now = Date.now();
  const id = newId('inv', now);
  await ctx.db.batch([
    ctx.db.insert(invitations).values({ id, orgId: ctx.actor.orgId, role: parsed.data.role, tokenHash: await sha256Hex(token), createdBy: ctx.actor.principal, createdAt: now, expiresAt: now + parsed.data.expiresInHours * 3600_000 }),
    auditStatement(ctx, 'invitation.create', id, { role: parsed.data.role }),
  ]);
  return { id, role: parsed.data.role, link: `${ctx.baseUrl}/auth/invitations/${token}`, expiresAt: now + parsed.data.expiresInHours * 3600_000 };
}
