import { and, eq, isNull, sql } from 'drizzle-orm';
import { identities, invitations, members, organizations, users } from '@trawl/db';
import { newId } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import type { ServiceContext } from '../context.ts';
import type { SignedIn } from '../auth/oidc.ts';
import { keepingLastOwner, roleRankSql } from './last-owner.ts';
import { ROLE_RANK } from '../permissions.ts';

/**
 * The user of a verified sign-in. An identity is the provider's (issuer, subject), never the e-mail: a known pair
 * signs in as its user whatever address it now shows. A new pair joins the account that has its e-mail only when
 * the provider says the address is verified (`email_verified: true`); a provider that lets anyone claim any address
 * must not hand over an account. A new pair with an unverified address is refused (not given a second account:
 * addresses are unique, and an unverified one could later capture a verified person's sign-in by e-mail).
 */
async function userOf(ctx: ServiceContext, who: SignedIn, now: number): Promise<string> {
  const [linked] = await ctx.db.select().from(identities).where(and(eq(identities.issuer, who.issuer), eq(identities.subject, who.subject))).limit(1);
  if (linked) return linked.userId;
  if (!who.emailVerified) {
    throw new ApiError('EMAIL_NOT_VERIFIED', `The identity provider does not confirm that ${who.email} belongs to this sign-in, so no account is opened or linked with it`);
  }
  const [byEmail] = await ctx.db.select().from(users).where(eq(users.email, who.email)).limit(1);
  const userId = byEmail?.id ?? newId('usr', now);
  const link = ctx.db.insert(identities).values({ issuer: who.issuer, subject: who.subject, userId, createdAt: now });
  if (byEmail) await link;
  else await ctx.db.batch([ctx.db.insert(users).values({ id: userId, email: who.email, name: who.name, createdAt: now }), link]);
  return userId;
}

/** Finds or creates the user of a verified sign-in and picks the organization the session opens in. */
export async function userForSignIn(ctx: ServiceContext, who: SignedIn): Promise<{ userId: string; orgId: string }> {
  const now = Date.now();
  const userId = await userOf(ctx, who, now);
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

/**
 * Accepting an invitation makes a member with its role, or raises an existing member to it; it never lowers a role
 * (an owner who opens an Editor link stays owner). The comparison runs in the statement itself, so it holds
 * against a concurrent change too. The invitation is spent only by the statement that finds it unspent.
 */
async function acceptInvitation(ctx: ServiceContext, userId: string, tokenHash: string): Promise<string> {
  const now = Date.now();
  const [inv] = await ctx.db.select().from(invitations).where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt))).limit(1);
  if (!inv || inv.expiresAt < now) throw new ApiError('NOT_FOUND', 'The invitation is unknown, used or expired');
  const [spent] = await ctx.db.update(invitations).set({ acceptedAt: now, acceptedBy: userId })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt))).returning({ id: invitations.id });
  if (!spent) throw new ApiError('NOT_FOUND', 'The invitation is unknown, used or expired');
  await keepingLastOwner(ctx.db.insert(members).values({ orgId: inv.orgId, userId, role: inv.role, createdAt: now })
    .onConflictDoUpdate({ target: [members.orgId, members.userId], set: { role: inv.role }, setWhere: sql`${roleRankSql(members.role)} < ${ROLE_RANK[inv.role]}` }),
  'The organization keeps at least one owner');
  return inv.orgId;
}
