import { and, desc, eq, lt } from 'drizzle-orm';
import { browserSessions } from '@trawl/db';
import { SESSION_LIMITS, newId, type BrowserSession } from '@trawl/schemas';
import { z } from 'zod';
import { SESSION_START_HEADER, type SessionStart } from '../../browser-session/session-start.ts';
import { browserMsOf } from '../../browser-session/limits.ts';
import { ApiError, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { pageOf, type PageQuery } from '../pagination.ts';
import { authorize } from '../permissions.ts';
import { policyOf } from '../policy/policy.ts';
import { auditStatement } from '../audit/audit.ts';

const { budgetMs, idleMs } = SESSION_LIMITS;
export const BrowserQuery = z.object({
  budgetMs: z.coerce.number().int().min(budgetMs.min).max(budgetMs.max).default(budgetMs.default),
  idleMs: z.coerce.number().int().min(idleMs.min).max(idleMs.max).default(idleMs.default),
  /** The API key, for clients that cannot send headers (read by the auth middleware, not here). */
  token: z.string().max(200).optional(),
});
export type BrowserQuery = z.infer<typeof BrowserQuery>;

const stubOf = (ctx: ActorContext, id: string) => ctx.env.BROWSER_SESSION.get(ctx.env.BROWSER_SESSION.idFromName(id));

/**
 * §4 remote browsers: a program's CDP WebSocket becomes a new session of its own BrowserSession object, which opens
 * a browser on a fleet node under the organization's egress policy and answers the upgrade once it is there.
 */
export async function openBrowser(ctx: ActorContext, q: BrowserQuery, request: Request, mode: 'cdp' | 'view' = 'cdp'): Promise<Response> {
  authorize(ctx, 'sessions:write');
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    const what = mode === 'view' ? 'the app\'s view WebSocket (JSON frames and input, ADR 0043)' : 'a CDP WebSocket: connect with "Upgrade: websocket" (Playwright connectOverCDP, Puppeteer connect)';
    throw new ApiError('INVALID_REQUEST', `This endpoint is ${what}`, { issues: [{ path: 'headers.upgrade', message: 'expected websocket' }] });
  }
  const start: SessionStart = {
    sessionId: newId('brs'), actor: ctx.actor, client: ctx.client ?? null, requestId: ctx.requestId,
    budgetMs: q.budgetMs, idleMs: q.idleMs, policy: await policyOf(ctx, ctx.actor.orgId), mode,
  };
  const res = await stubOf(ctx, start.sessionId).fetch('https://browser-session/open', { headers: { upgrade: 'websocket', [SESSION_START_HEADER]: JSON.stringify(start) } });
  // A refusal from the object has immutable headers; copied, the middleware can add its own (rate limits).
  return res.status === 101 ? res : new Response(res.body, res);
}

type Row = typeof browserSessions.$inferSelect;
function toSession({ orgId: _, ...r }: Row, now: number): BrowserSession {
  return { ...r, browserMs: r.status === 'active' ? browserMsOf(r.startedAt, null, now) : r.browserMs };
}

/** The organization's sessions, newest first, each with its browser time (the cost). */
export async function listSessions(ctx: ActorContext, q: PageQuery) {
  authorize(ctx, 'sessions:read');
  const rows = await ctx.db.select().from(browserSessions)
    .where(and(eq(browserSessions.orgId, ctx.actor.orgId), q.cursor ? lt(browserSessions.id, q.cursor) : undefined))
    .orderBy(desc(browserSessions.id)).limit(q.limit + 1);
  const now = Date.now();
  return pageOf(rows.map((r) => toSession(r, now)), q.limit);
}

async function sessionRow(ctx: ActorContext, id: string): Promise<Row> {
  const [row] = await ctx.db.select().from(browserSessions).where(and(eq(browserSessions.id, id), eq(browserSessions.orgId, ctx.actor.orgId)));
  if (!row) throw notFound('Browser session', id);
  return row;
}

/** Ends a session now (its program sees close code 4003); an ended session is answered as it is. */
export async function endSession(ctx: ActorContext, id: string): Promise<BrowserSession> {
  authorize(ctx, 'sessions:write');
  const row = await sessionRow(ctx, id);
  if (row.status === 'active') {
    const res = await stubOf(ctx, id).fetch('https://browser-session/end', { method: 'POST' });
    // The object no longer holds it (its sockets went with an eviction): the row is closed here.
    if (res.status === 404) {
      const endedAt = Date.now();
      await ctx.db.batch([
        ctx.db.update(browserSessions).set({ status: 'ended', endedAt, endReason: 'deleted', browserMs: browserMsOf(row.startedAt, endedAt, endedAt) }).where(eq(browserSessions.id, id)),
        auditStatement(ctx, 'session.end', id, { reason: 'deleted' }),
      ]);
    } else {
      await ctx.db.batch([auditStatement(ctx, 'session.delete', id)]);
    }
  }
  return toSession(await sessionRow(ctx, id), Date.now());
}
