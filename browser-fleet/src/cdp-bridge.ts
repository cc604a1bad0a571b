import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** CDP frames can hold whole screenshots and HAR bodies. */
const MAX_MESSAGE = 512 * 1024 * 1024;
/** The id of the bridge's own readiness probe; Playwright's ids count up from 1 and never get near it. */
const PROBE_ID = 2_000_000_000;

export interface CdpBridge {
  /** ws://127.0.0.1:<port>/devtools/browser/<random>: only the path's holder gets a connection. */
  wsEndpoint: string;
  /** Resolves when the browser answered over the pipe (it is up), rejects on `pipe closed`. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Chromium launched with --remote-debugging-pipe talks CDP over fds 3 and 4 (NUL-terminated JSON): no port that
 * another local user (or the browser's own, unprivileged user) could connect to. Playwright connects over a
 * WebSocket, so this node serves one on loopback whose path is a 192-bit secret held only here, for one client.
 */
export async function bridgePipe(toBrowser: Writable, fromBrowser: Readable): Promise<CdpBridge> {
  const secretPath = Buffer.from(`/devtools/browser/${randomBytes(24).toString('hex')}`);
  let client: WebSocket | null = null;
  const wss = new WebSocketServer({
    host: '127.0.0.1', port: 0, maxPayload: MAX_MESSAGE,
    verifyClient: ({ req }: { req: IncomingMessage }) => {
      const path = Buffer.from(req.url ?? '');
      return client === null && path.length === secretPath.length && timingSafeEqual(path, secretPath);
    },
  });
  await new Promise<void>((resolve, reject) => wss.once('listening', resolve).once('error', reject));

  const { promise: ready, resolve: onReady, reject: onClosed } = withResolvers();
  ready.catch(() => undefined);
  const early: Buffer[] = [];
  const deliver = (message: Buffer): void => {
    if (message.includes(`"id":${PROBE_ID},`)) return onReady();
    if (client) client.send(message, { binary: false });
    else early.push(message);
  };
  let pending: Buffer[] = [];
  fromBrowser.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(0); end >= 0; end = chunk.indexOf(0, start)) {
      pending.push(chunk.subarray(start, end));
      deliver(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
  const send = (data: Buffer | string): void => {
    toBrowser.write(data);
    toBrowser.write('\0');
  };
  fromBrowser.once('close', () => {
    onClosed(new Error('the browser closed its CDP pipe'));
    client?.close();
  });
  toBrowser.on('error', () => undefined);

  wss.on('connection', (ws) => {
    client = ws;
    for (const m of early.splice(0)) ws.send(m, { binary: false });
    ws.on('message', (data: Buffer) => send(data));
  });
  send(JSON.stringify({ id: PROBE_ID, method: 'Browser.getVersion' }));

  const { port } = wss.address() as AddressInfo;
  return {
    wsEndpoint: `ws://127.0.0.1:${port}${secretPath.toString()}`,
    ready,
    close: () => new Promise<void>((resolve) => {
      client?.terminate();
      wss.close(() => resolve());
    }),
  };
}

function withResolvers(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
