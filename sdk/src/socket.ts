/**
 * Opens a WebSocket that carries the API key, with only the platform's globals:
 * - Workers upgrade through fetch (their client WebSocket cannot send headers);
 * - Node (undici) and Deno take `headers` in the constructor's second argument;
 * - browsers read that argument as subprotocols and refuse it with a SyntaxError; there the key is offered as the
 *   subprotocol `trawl.key.<key>` next to `trawl.v1`, which the API answers (ADR 0052), and with no key the socket
 *   opens bare and the session cookie authenticates (same origin only).
 */

type HeaderSocket = new (url: string, init?: { headers: Record<string, string> }) => WebSocket;
interface WorkerUpgrade { webSocket?: (WebSocket & { accept(): void }) | null }

export interface SocketAuth {
  headers: Record<string, string>;
  /** Subprotocols that carry the same key, for runtimes that cannot send headers. */
  protocols: string[];
}

/**
 * Resolves with the socket's messages once it is open; rejects with the reason it could not open. The queue listens
 * from the moment the socket exists: Deno dispatches the messages the server sends on accepting (the history) as soon
 * as the socket opens, before an `await` of the open could attach a listener, and those events would be lost.
 */
export async function openSocket(httpUrl: string, auth: SocketAuth, fetchFn: typeof fetch): Promise<SocketQueue> {
  if ('WebSocketPair' in globalThis) {
    const res = await fetchFn(httpUrl, { headers: { ...auth.headers, upgrade: 'websocket' } });
    const ws = (res as Response & WorkerUpgrade).webSocket;
    if (!ws) throw new Error(`the event stream answered ${res.status} instead of a WebSocket`);
    const queue = socketMessages(ws);
    ws.accept();
    return queue;
  }
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  let ws: WebSocket;
  try {
    ws = new (WebSocket as unknown as HeaderSocket)(wsUrl, { headers: auth.headers });
  } catch (e) {
    if (!(e instanceof Error && e.name === 'SyntaxError')) throw e;
    ws = new WebSocket(wsUrl, auth.protocols);
  }
  const queue = socketMessages(ws);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('the event stream could not be opened')), { once: true });
    ws.addEventListener('close', (e) => reject(new Error(`the event stream closed before opening (${e.code})`)), { once: true });
  });
  return queue;
}

export type SocketMessage = { kind: 'message'; data: string } | { kind: 'closed'; code: number };
export interface SocketQueue { next(): Promise<SocketMessage>; close(): void }

/** Messages of a socket as a pull-based queue, ending with one `closed` entry. */
export function socketMessages(ws: WebSocket): SocketQueue {
  const queue: SocketMessage[] = [];
  let waiter: ((m: SocketMessage) => void) | null = null;
  const push = (m: SocketMessage) => {
    if (waiter) { const w = waiter; waiter = null; w(m); } else queue.push(m);
  };
  let closed = false;
  ws.addEventListener('message', (e) => push({ kind: 'message', data: typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data as ArrayBuffer) }));
  const end = (code: number) => { if (!closed) { closed = true; push({ kind: 'closed', code }); } };
  ws.addEventListener('close', (e) => end(e.code));
  ws.addEventListener('error', () => end(1006));
  return {
    next: () => {
      const m = queue.shift();
      return m ? Promise.resolve(m) : new Promise((resolve) => { waiter = resolve; });
    },
    close: () => { try { ws.close(1000); } catch { /* already closed */ } },
  };
}
