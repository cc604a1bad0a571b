import { SessionOpened, fleetPaths, signRequest, type SessionOpenInput } from '@trawl/schemas';
import { ApiError } from '../lib/errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { availableNodes, markUnreachable, noteTaken } from '../services/fleet/nodes.ts';

const WAIT_FOR_ROOM_MS = 10_000;

export interface NodeSession { nodeId: string; socket: WebSocket }

/**
 * Asks the roomiest live nodes in turn for a session (signed like a task offer), then opens its CDP WebSocket with
 * the one-time secret the node answered (workerd's fetch-Upgrade). A node without room answers 503 and the next is asked.
 */
export async function openOnNode(ctx: ServiceContext, secret: string, req: SessionOpenInput): Promise<NodeSession> {
  // A program's connect waits a little for a browser, as it would for a busy browserless: slots free often, and a
  // node's heartbeat (its free count) lags a session that just ended.
  const until = Date.now() + WAIT_FOR_ROOM_MS;
  for (;;) {
    const opened = await tryNodes(ctx, secret, req);
    if (opened) return opened;
    if (Date.now() >= until) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new ApiError('FLEET_UNAVAILABLE', 'No fleet node has room for a browser session now; try again shortly', undefined, { 'retry-after': '2' });
}

async function tryNodes(ctx: ServiceContext, secret: string, req: SessionOpenInput): Promise<NodeSession | null> {
  const payload = JSON.stringify(req);
  for (const node of await availableNodes(ctx)) {
    if (node.free <= 0) continue;
    let res: Response;
    try {
      res = await fetch(new URL(fleetPaths.sessions, node.url), {
        method: 'POST', body: payload, signal: AbortSignal.timeout(30_000),
        headers: { 'content-type': 'application/json', ...(await signRequest(secret, 'POST', fleetPaths.sessions, payload)) },
      });
    } catch (err) {
      ctx.log.warn('session: node unreachable', { nodeId: node.id, err: String(err) });
      await markUnreachable(ctx, node.id);
      continue;
    }
    if (res.status === 503) {
      await res.body?.cancel();
      continue;
    }
    const opened = SessionOpened.safeParse(await res.json().catch(() => null));
    if (res.status !== 201 || !opened.success) {
      ctx.log.error('session: a node answered badly', { nodeId: node.id, status: res.status });
      continue;
    }
    const ws = await fetch(new URL(req.mode === 'view' ? fleetPaths.sessionView(req.sessionId) : fleetPaths.sessionCdp(req.sessionId), node.url), {
      headers: { upgrade: 'websocket', authorization: `Bearer ${opened.data.secret}` },
    }).catch((err: unknown) => {
      ctx.log.error('session: the node\'s session WebSocket failed', { nodeId: node.id, err: String(err) });
      return null;
    });
    if (!ws) continue;
    if (ws.status !== 101 || !ws.webSocket) {
      ctx.log.error('session: the node refused its own session\'s WebSocket', { nodeId: node.id, status: ws.status });
      await ws.body?.cancel();
      continue;
    }
    ws.webSocket.accept();
    await noteTaken(ctx, node.id, node.free);
    return { nodeId: node.id, socket: ws.webSocket };
  }
  return null;
}
