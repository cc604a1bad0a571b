import { and, eq } from 'drizzle-orm';
import { logins } from '@trawl/db';
import { SESSION_LIMITS, newId, type StorageState } from '@trawl/schemas';
import { z } from 'zod';
import { SESSION_START_HEADER, type SessionStart } from '../../browser-session/session-start.ts';
import { configOf } from '../../env.ts';
import { ApiError, notFound } from '../../lib/errors.ts';
import { seal } from '../../lib/secret-box.ts';
import { auditStatement } from '../audit/audit.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { policyOf } from '../policy/policy.ts';
import { checkTargets } from '../policy/targets.ts';
import { NOT_STALE, aadOf, credentialsKey } from './logins.ts';

export const HandoffQuery = z.object({
  /** Where the person starts (default: the login's flow URL). */
  url: z.url({ protocol: /^https?$/ }).optional(),
  budgetMs: z.coerce.number().int().min(SESSION_LIMITS.budgetMs.min).max(SESSION_LIMITS.budgetMs.max).default(SESSION_LIMITS.budgetMs.default),
});
export type HandoffQuery = z.infer<typeof HandoffQuery>;

/**
 * Login hand-off (issue #13 §3, ADR 0044): a member completes a sign-in that needs a person (a one-time code, a
 * captcha) in an interactive view session (ADR 0043) opened at the login's URL. When they send `{type:"save"}`, the
 * node hands the browser's cookies and localStorage to the BrowserSession object, which seals them into this login
 * (saveHandoffState) and answers `{type:"saved"}`; the state never reaches the viewer.
 */
export async function openHandoff(ctx: ActorContext, loginId: string, q: HandoffQuery, request: Request): Promise<Response> {
  authorize(ctx, 'jobs:write');
  const [row] = await ctx.db.select().from(logins).where(and(eq(logins.id, loginId), eq(logins.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Login', loginId);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('INVALID_REQUEST', 'This endpoint is the app\'s view WebSocket (JSON frames and input, ADR 0043): connect with "Upgrade: websocket"', { issues: [{ path: 'headers.upgrade', message: 'expected websocket' }] });
  }
  const url = q.url ?? row.flow?.url;
  if (!url) throw new ApiError('INVALID_REQUEST', 'Say where the sign-in starts: ?url=<the site\'s login page> (the login has no flow URL)', { issues: [{ path: 'query.url', message: 'required' }] });
  const policy = await policyOf(ctx, ctx.actor.orgId);
  checkTargets([{ path: 'query.url', url }], policy, configOf(ctx.env).allowPrivateTargets);
  credentialsKey(ctx);
  const start: SessionStart = {
    sessionId: newId('brs'), actor: ctx.actor, client: ctx.client ?? null, requestId: ctx.requestId, budgetMs: q.budgetMs,
    idleMs: SESSION_LIMITS.idleMs.default, policy, mode: 'view', handoff: { loginId, url },
  };
  const stub = ctx.env.BROWSER_SESSION.get(ctx.env.BROWSER_SESSION.idFromName(start.sessionId));
  const res = await stub.fetch('https://browser-session/open', { headers: { upgrade: 'websocket', [SESSION_START_HEADER]: JSON.stringify(start) } });
  return res.status === 101 ? res : new Response(res.body, res);
}

/** The hand-off's state, sealed into the login like any stored session (called by the BrowserSession object). */
export async function saveHandoffState(ctx: ActorContext, loginId: string, state: StorageState): Promise<void> {
  const now = Date.now();
  const sealed = await seal(credentialsKey(ctx), aadOf(ctx.actor.orgId, loginId, 'storageState'), state);
  await ctx.db.batch([
    ctx.db.update(logins).set({ storageStateEnc: sealed, stateSavedAt: now, updatedAt: now, ...NOT_STALE }).where(and(eq(logins.id, loginId), eq(logins.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'login.handoff', loginId, { cookies: state.cookies.length, origins: state.origins.length }),
  ]);
}
