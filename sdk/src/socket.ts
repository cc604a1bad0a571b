/**
 * Opens a WebSocket that carries the API key, with only the platform's globals:
 * Workers upgrade through fetch (their client WebSocket cannot send headers); Node (undici), Deno and Bun take
 * `headers` in the constructor's second argument; browsers refuse that argument (SyntaxError), so there the
 * socket opens without it and the session cookie authenticates (same origin).
 */

type HeaderSocket = new (url: string, init?: { headers: Record<string, string> }) => WebSocket;
interface WorkerUpgrade { webSocket?: (WebSocket & { accept(): void }) | null }

/** Resolves once the socket is open; rejects with the reason it could not open. */
export async function openSocket(httpUrl: string, headers: Record<string, string>, fetchFn: typeof fetch): Promise<WebSocket> {
  if ('WebSocketPair' in globalThis) {
    const res = await fetchFn(httpUrl, { headers: { ...headers, upgrade: 'websocket' } });
    const ws = (res as Response & WorkerUpgrade).webSocket;
    if (!ws) throw new Error(`the event stream answered ${res.status} instead of a WebSocket`);
    ws.accept();
    return ws;
  }
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  let ws: WebSocket;
  try {
    ws = new (WebSocket as unknown as HeaderSocket)(wsUrl, { headers });
  } catch (e) {
    if (!(e instanceof Error && e.name === 'SyntaxError')) throw e;
    ws = new WebSocket(wsUrl);
  }
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('the event stream could not be opened')), { once: true });
    ws.addEventListener('close', (e) => reject(new Error(`the event stream closed before opening (${e.code})`)), { once: true });
  });
  return ws;
}

export type SocketMessage = { kind: 'message'; data: string } | { kind: 'closed'; code: number };

/** Messages of an open socket as a pull-based queue, ending with one `closed` entry. */
export function socketMessages(ws: WebSocket): { next(): Promise<SocketMessage>; close(): void } {
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
