import { and, eq, lt } from 'drizzle-orm';
import { auditLog, browserSessions } from '@trawl/db';
import { newId } from '@trawl/schemas';
import type { ServiceContext } from '../services/context.ts';
import { browserMsOf } from './limits.ts';

/** A row younger than this may be an opening the object has not taken up yet (it writes the row first). */
export const LOST_AFTER_MS = 60_000;

/**
 * How a session whose object no longer holds it is closed: its browser is gone by the node's deadline at the
 * latest (the node ends it at the edge's deadline plus a grace, ADR 0039), so it is charged up to now or its budget,
 * whichever is first, not for the hours the row sat open. Pure.
 */
export function lostSessionEnd(row: { startedAt: number; budgetMs: number }, now: number): { endedAt: number; browserMs: number } {
  const endedAt = Math.max(row.startedAt, Math.min(now, row.startedAt + row.budgetMs));
  return { endedAt, browserMs: browserMsOf(row.startedAt, endedAt, now) };
}

/**
 * The cron's sweep of `browser_sessions` rows left active after their object was lost (a deploy, an eviction: the
 * object's sockets and memory go, its row stays and its listed cost would grow for ever). Each active row older than
 * LOST_AFTER_MS is asked of its own object; one that no longer holds it is ended with reason `node` and an audit row.
 * Returns how many were ended.
 */
export async function sweepLostSessions(ctx: ServiceContext, now = Date.now()): Promise<number> {
  const rows = await ctx.db.select().from(browserSessions)
    .where(and(eq(browserSessions.status, 'active'), lt(browserSessions.startedAt, now - LOST_AFTER_MS))).limit(200);
  let ended = 0;
  for (const row of rows) {
    const stub = ctx.env.BROWSER_SESSION.get(ctx.env.BROWSER_SESSION.idFromName(row.id));
    const held = await stub.fetch('https://browser-session/alive').then((r) => r.status !== 404, () => true);
    if (held) continue;
    const end = lostSessionEnd(row, now);
    await ctx.db.batch([
      ctx.db.update(browserSessions).set({ status: 'ended', endReason: 'node', ...end })
        .where(and(eq(browserSessions.id, row.id), eq(browserSessions.status, 'active'))),
      ctx.db.insert(auditLog).values({ id: newId('aud'), orgId: row.orgId, actor: 'system:cron', action: 'session.end', target: row.id,
        details: { reason: 'node', lost: true, browserMs: end.browserMs }, ip: null, userAgent: null, createdAt: now }),
    ]);
    ctx.log.warn('browser session ended by the sweep: its object no longer held it', { sessionId: row.id, orgId: row.orgId, browserMs: end.browserMs });
    ended++;
  }
  return ended;
}
