import { and, eq } from 'drizzle-orm';
import { members, organizations, users } from '@trawl/db';
import { z } from 'zod';
import { configOf } from '../../env.ts';
import { ApiError, invalid } from '../../lib/errors.ts';
import { issuesOf } from '@trawl/schemas';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize, effectivePermissions } from '../permissions.ts';
import { createSession, revokeSession, type IssuedSession } from '../auth/sessions.ts';

/**
 * Who is asking, for the web app: the person (or key), the organization and role in use, what that role may do
 * (so the app can disable what it may not), every organization the person belongs to (the switcher), and how long
 * a session lives (the app refreshes before half of it, so the session rotates instead of expiring while open).
 */
export async function describeMe(ctx: ActorContext) {
  authorize(ctx, 'jobs:read');
  const { actor } = ctx;
  const [org] = await ctx.db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(eq(organizations.id, actor.orgId)).limit(1);
  let user: { id: string; email: string; name: string } | null = null;
  let memberships = [{ orgId: actor.orgId, name: org?.name ?? actor.orgId, role: actor.role }];
  if (actor.userId) {
    [user = null] = await ctx.db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, actor.userId)).limit(1);
    memberships = await ctx.db.select({ orgId: members.orgId, name: organizations.name, role: members.role })
      .from(members).innerJoin(organizations, eq(organizations.id, members.orgId)).where(eq(members.userId, actor.userId));
  }
  return {
    user, org: { id: actor.orgId, name: org?.name ?? actor.orgId }, role: actor.role,
    permissions: effectivePermissions(actor.role, actor.scopes), via: actor.userId ? 'session' as const : 'key' as const,
    memberships: memberships.sort((a, b) => a.name.localeCompare(b.name)),
    sessionTtlMs: actor.userId ? configOf(ctx.env).sessionTtlMs : null,
  };
}

const SwitchBody = z.object({ orgId: z.string().min(1).max(64) }).strict();

/**
 * Moves a signed-in person's session to another organization they belong to: a new session (new token, same CSRF
 * token) and the old one revoked, so a session always speaks for exactly one organization.
 */
export async function switchOrganization(ctx: ServiceContext, session: { sessionId: string; userId: string }, csrf: string, body: unknown): Promise<IssuedSession> {
  const parsed = SwitchBody.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The organization switch is not valid', issuesOf(parsed.error));
  const { userId, sessionId } = session;
  const [m] = await ctx.db.select().from(members).where(and(eq(members.userId, userId), eq(members.orgId, parsed.data.orgId))).limit(1);
  if (!m) throw new ApiError('NOT_FOUND', `You are not a member of ${parsed.data.orgId}`);
  const issued = await createSession(ctx.db, configOf(ctx.env).sessionTtlMs, userId, m.orgId, csrf);
  await revokeSession(ctx.db, sessionId);
  return issued;
}
