import { and, eq } from 'drizzle-orm';
import { invitations, members, users, type Role } from '@trawl/db';
import { issuesOf, newId, randomString, sha256Hex } from '@trawl/schemas';
import { z } from 'zod';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { ROLE_RANK, authorize } from '../permissions.ts';
import { auditStatement } from '../audit/audit.ts';
import { keepingLastOwner } from './last-owner.ts';

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
  await keepingLastOwner(ctx.db.batch([
    ctx.db.update(members).set({ role: parsed.data.role }).where(and(eq(members.orgId, ctx.actor.orgId), eq(members.userId, userId))),
    auditStatement(ctx, 'member.role', userId, { from: m.role, to: parsed.data.role }),
  ]), 'The last owner cannot be demoted; make another member owner first');
  return { userId, role: parsed.data.role };
}

export async function removeMember(ctx: ActorContext, userId: string) {
  const self = ctx.actor.userId === userId;
  if (!self) authorize(ctx, 'members:write');
  const m = await memberOf(ctx, userId);
  if (!self) checkRoleChange(ctx, m.role, null);
  if (m.role === 'owner' && await ownerCount(ctx) === 1) throw new ApiError('CONFLICT', 'The last owner cannot leave; make another member owner first');
  await keepingLastOwner(ctx.db.batch([
    ctx.db.delete(members).where(and(eq(members.orgId, ctx.actor.orgId), eq(members.userId, userId))),
    auditStatement(ctx, self ? 'member.leave' : 'member.remove', userId, { role: m.role }),
  ]), 'The last owner cannot leave; make another member owner first');
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
