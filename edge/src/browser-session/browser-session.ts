import { DurableObject } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { browserSessions } from '@trawl/db';
import { StorageState, type SessionEndReason } from '@trawl/schemas';
import { saveHandoffState } from '../services/logins/handoff.ts';
import { configOf, type Env } from '../env.ts';
import { errorResponse, isApiError } from '../lib/errors.ts';
import { createLogger } from '../lib/log.ts';
import { createDb, type ActorContext } from '../services/context.ts';
import { auditStatement } from '../services/audit/audit.ts';
import { browserMsOf, checkLimits, type SessionClock } from './limits.ts';
import { openOnNode } from './open-on-node.ts';
// What opens a session is its own module: the services that start one then need not import this class (no import cycle).
import { SESSION_START_HEADER, type SessionStart } from './session-start.ts';

interface Live extends SessionClock { start: SessionStart; client: WebSocket; node: WebSocket; nodeId: string }

/** WebSocket close codes the program sees when the edge ends its session. */
const CLOSE: Record<SessionEndReason, [number, string]> = {
  budget: [4001, 'the session\'s time budget is spent'], idle: [4002, 'the session was idle too long'],
  deleted: [4003, 'the session was ended with DELETE /v1/sessions/{id}'], node: [4004, 'the browser or its node went away'], client: [1000, 'closed'],
};

/**
 * One interactive browser session (ADR 0039): holds the node's CDP WebSocket and the program's, passes messages
 * both ways, and ends the session at its time budget or idle timeout (an alarm), recording its browser time in D1
 * with an audit row. Live view and hand-off (issue #13 §2, §3) are meant to attach here later.
 */
export class BrowserSession extends DurableObject<Env> {
  #live: Live | null = null;
  #ending: Promise<void> | null = null;

  override async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/end') return this.#endRequest();
    // The cron's sweep (sweep.ts): whether this object still holds its session; a lost one answers 404.
    if (path === '/alive') return new Response(null, { status: this.#live || this.#ending ? 204 : 404 });
    const raw = request.headers.get(SESSION_START_HEADER);
    if (path !== '/open' || !raw) return new Response('not found', { status: 404 });
    const start = JSON.parse(raw) as SessionStart;
    try {
      return await this.#open(start);
    } catch (e) {
      if (isApiError(e)) return errorResponse(e.code, e.message, start.requestId, e.details, e.headers);
      createLogger({ sessionId: start.sessionId }).error('session open failed', { err: String(e) });
      return errorResponse('INTERNAL', 'Something went wrong on our side', start.requestId);
    }
  }

  async #endRequest(): Promise<Response> {
    if (!this.#live && !this.#ending) return new Response(null, { status: 404 });
    await this.#end('deleted');
    return new Response(null, { status: 204 });
  }

  async #open(start: SessionStart): Promise<Response> {
    if (this.#live || this.#ending) return new Response('session already open', { status: 409 });
    const ctx = this.#contextOf(start);
    const startedAt = Date.now();
    const node = await openOnNode(ctx, configOf(this.env).fleetSecret, {
      sessionId: start.sessionId, orgId: start.actor.orgId, policy: start.policy, deadline: startedAt + start.budgetMs, mode: start.mode ?? 'cdp',
    });
    const row = { id: start.sessionId, orgId: start.actor.orgId, createdBy: start.actor.principal, nodeId: node.nodeId, status: 'active' as const,
      budgetMs: start.budgetMs, idleMs: start.idleMs, startedAt };
    try {
      await ctx.db.batch([ctx.db.insert(browserSessions).values(row),
        auditStatement(ctx, 'session.open', start.sessionId, { nodeId: node.nodeId, budgetMs: start.budgetMs, idleMs: start.idleMs })]);
    } catch (e) {
      // Not recorded, not held: the node ends the browser when its socket closes.
      node.socket.close(1011, 'the session could not be recorded');
      throw e;
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    server.accept();
    const live: Live = { start, client: server, node: node.socket, nodeId: node.nodeId, startedAt, budgetMs: start.budgetMs, idleMs: start.idleMs, lastActivityAt: startedAt };
    this.#live = live;
    server.addEventListener('message', (e) => {
      live.lastActivityAt = Date.now();
      if (live.node.readyState === WebSocket.OPEN) live.node.send(e.data);
    });
    node.socket.addEventListener('message', (e) => {
      // A session's state (a hand-off's `save`) is the edge's alone: sealed into the login, never relayed.
      if (typeof e.data === 'string' && e.data.startsWith('{"type":"state"')) return void this.#handoffState(live, e.data);
      if (server.readyState === WebSocket.OPEN) server.send(e.data);
    });
    if (start.handoff) node.socket.send(JSON.stringify({ type: 'navigate', url: start.handoff.url }));
    server.addEventListener('close', () => void this.#end('client'));
    server.addEventListener('error', () => void this.#end('client'));
    node.socket.addEventListener('close', () => void this.#end('node'));
    node.socket.addEventListener('error', () => void this.#end('node'));
    await this.#arm(live);
    return new Response(null, { status: 101, webSocket: client, headers: { 'x-trawl-session': start.sessionId } });
  }

  async #handoffState(live: Live, raw: string): Promise<void> {
    const loginId = live.start.handoff?.loginId;
    const state = StorageState.safeParse((JSON.parse(raw) as { storageState?: unknown }).storageState);
    if (!loginId || !state.success) return;
    await saveHandoffState(this.#contextOf(live.start), loginId, state.data);
    live.client.send(JSON.stringify({ type: 'saved', loginId }));
    await this.#end('client');
  }

  override async alarm(): Promise<void> {
    const live = this.#live;
    if (!live) return;
    const d = checkLimits(live, Date.now());
    if (d.kind === 'end') await this.#end(d.reason);
    else await this.ctx.storage.setAlarm(d.until);
  }

  async #arm(live: Live): Promise<void> {
    const d = checkLimits(live, Date.now());
    await this.ctx.storage.setAlarm(d.kind === 'wait' ? d.until : Date.now());
  }

  /** Ends the session once: closes both sockets (the node then stops the browser) and records its browser time. */
  #end(reason: SessionEndReason): Promise<void> {
    const live = this.#live;
    if (!live) return this.#ending ?? Promise.resolve();
    this.#live = null;
    this.#ending = (async () => {
      const [code, text] = CLOSE[reason];
      for (const s of [live.client, live.node]) {
        try {
          s.close(s === live.client ? code : 1000, text);
        } catch {
          // Already closed.
        }
      }
      const endedAt = Date.now();
      const browserMs = browserMsOf(live.startedAt, endedAt, endedAt);
      const ctx = this.#contextOf(live.start);
      await ctx.db.batch([
        ctx.db.update(browserSessions).set({ status: 'ended', endedAt, endReason: reason, browserMs }).where(eq(browserSessions.id, live.start.sessionId)),
        auditStatement(ctx, 'session.end', live.start.sessionId, { reason, browserMs }),
      ]);
      await this.ctx.storage.deleteAlarm();
    })().finally(() => {
      this.#ending = null;
    });
    return this.#ending;
  }

  #contextOf(start: SessionStart): ActorContext {
    const log = createLogger({ component: 'browser-session', sessionId: start.sessionId, orgId: start.actor.orgId });
    return { env: this.env, db: createDb(this.env), log, requestId: start.requestId, baseUrl: '', actor: start.actor, ...(start.client ? { client: start.client } : {}) };
  }
}
