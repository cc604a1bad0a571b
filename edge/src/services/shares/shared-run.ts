import { eq } from 'drizzle-orm';
import { jobs, runShares } from '@trawl/db';
import { sha256Hex, type RunEvent } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { coordinatorOf, getRun, getRunRow, refuseExpired } from '../runs/runs.ts';
import { readResults } from '../runs/results.ts';

type ShareRow = typeof runShares.$inferSelect;
const refused = (why: string) => new ApiError('SHARE_LINK_INVALID', why);

/**
 * The share a token opens, checked by the SHA-256 of the token (the only form stored). Unknown, revoked and expired
 * tokens are refused alike (401), each with its own message.
 */
async function shareOf(ctx: ServiceContext, token: string | undefined): Promise<ShareRow> {
  if (!token || !token.startsWith('trawl_share_') || token.length > 100) throw refused('This share link is not valid');
  const [row] = await ctx.db.select().from(runShares).where(eq(runShares.tokenHash, await sha256Hex(token))).limit(1);
  if (!row) throw refused('This share link is not valid');
  if (row.revokedAt !== null) throw refused('This share link was revoked');
  if (row.expiresAt <= Date.now()) throw refused('This share link has expired');
  return row;
}

/**
 * What a share may do, as an actor of the run's organization: read that run, and its results when the share says
 * so; its principal names the share, never a person. Every read goes through the same service verbs (and so the
 * same organization filter) as a member's.
 */
function shareActor(ctx: ServiceContext, share: ShareRow): ActorContext {
  return { ...ctx, actor: {
    orgId: share.orgId, principal: `share:${share.id}`, keyId: null, userId: null, role: 'viewer',
    scopes: share.showResults ? ['runs:read', 'results:read'] : ['runs:read'], kind: 'secret', jobIds: null, rateLimitPerMinute: null,
  } };
}

/** The board of a shared run: status, counts, timings, the run's failure; the job's name only, no member data. */
export async function readSharedRun(ctx: ServiceContext, token: string | undefined) {
  const share = await shareOf(ctx, token);
  const run = await getRun(shareActor(ctx, share), share.runId);
  const [job] = await ctx.db.select({ name: jobs.name }).from(jobs).where(eq(jobs.id, run.jobId)).limit(1);
  return {
    share: { expiresAt: share.expiresAt, showResults: share.showResults },
    run: {
      id: run.id, jobName: job?.name ?? '', status: run.status, counts: run.counts, error: run.error, warnings: run.warnings,
      createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt, durationMs: run.durationMs,
    },
  };
}

export async function readSharedResults(ctx: ServiceContext, token: string | undefined): Promise<Response> {
  const share = await shareOf(ctx, token);
  if (!share.showResults) throw new ApiError('FORBIDDEN', 'This share link does not include the run\'s results');
  return readResults(shareActor(ctx, share), share.runId, 'json');
}

/** An event as a share sees it: no node names, timings or item data; a failure keeps its code and message. */
export function shareEvent(e: RunEvent): RunEvent {
  const error = (e.data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const { data: _data, ...rest } = e;
  return error && typeof error.code === 'string' ? { ...rest, data: { error: { code: error.code, message: String(error.message ?? '') } } } : rest;
}

/**
 * The run's live events for a share, read-only: the socket to the run's coordinator stays inside the Worker, each
 * event is passed on through `shareEvent`, and nothing the outsider sends reaches the coordinator (a ping is answered here).
 */
export async function openSharedEvents(ctx: ServiceContext, token: string | undefined, request: Request): Promise<Response> {
  const share = await shareOf(ctx, token);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('INVALID_REQUEST', 'This endpoint is a WebSocket: connect with "Upgrade: websocket"', { issues: [{ path: 'headers.upgrade', message: 'expected websocket' }] });
  }
  refuseExpired(await getRunRow(shareActor(ctx, share), share.runId));
  const after = new URL(request.url).searchParams.get('after') ?? '0';
  const upstreamRes = await coordinatorOf(shareActor(ctx, share), share.runId).fetch(new Request(`https://coordinator/events?after=${encodeURIComponent(after)}`, { headers: { upgrade: 'websocket' } }));
  const upstream = upstreamRes.webSocket;
  if (!upstream) throw new ApiError('INTERNAL', 'The run\'s event stream is not available');
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  upstream.accept();
  server.accept();
  upstream.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as RunEvent | { type: 'stream.end' };
    server.send(JSON.stringify(msg.type === 'stream.end' ? msg : shareEvent(msg as RunEvent)));
  });
  upstream.addEventListener('close', () => { try { server.close(1000, 'run stream closed'); } catch { /* already closed */ } });
  server.addEventListener('message', (m) => { if (m.data === 'ping') server.send('pong'); });
  server.addEventListener('close', () => { try { upstream.close(1000, 'share closed'); } catch { /* already closed */ } });
  return new Response(null, { status: 101, webSocket: client });
}
