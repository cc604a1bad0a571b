import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The bypass suite's two local servers. The target (127.0.0.1:P) stands for everything private
 * and counts every TCP connection it accepts: it must stay at 0. The attacker's site
 * (127.0.0.2:P, the same port, reachable only through the test's explicit allowance) serves pages
 * that try to reach attack URLs in every way a page can.
 */
export interface Servers {
  port: number;
  targetHits(): number;
  /** Requests the attacker's site served for `path` (the service-worker script must never be fetched). */
  siteHits(path: string): number;
  siteUrl: string;
  close(): Promise<void>;
}

const ITEM = '<ul><li class="item"><a class="title" href="/x">x</a></li></ul>';
const html = (res: ServerResponse, body: string, status = 200, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(`<!doctype html><html><body>${body}</body></html>`);
};
const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const js = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** When every attempt has settled, the item appears: the runner's wait for the item selector waits for it. */
function settle(expr: string): string {
  return `<script>Promise.allSettled(${expr}).then(() => { document.body.insertAdjacentHTML('beforeend', ${js(ITEM)}); });</script>`;
}

function attackPage(kind: string, urls: string[]): string {
  const list = js(urls);
  switch (kind) {
    case 'iframe': return urls.map((u) => `<iframe src="${attr(u)}"></iframe>`).join('') + ITEM;
    case 'img': return urls.map((u) => `<img src="${attr(u)}">`).join('') + ITEM;
    case 'fetch': return settle(`${list}.map((u) => fetch(u, { mode: 'no-cors' }))`);
    case 'websocket': return settle(`${list}.map((u) => new Promise((done) => {
      try { const w = new WebSocket(u.replace(/^http/, 'ws')); w.onerror = done; w.onclose = done; w.onopen = () => { w.close(); done(); }; } catch { done(); }
    }))`);
    case 'service-worker': return settle(`[navigator.serviceWorker
      ? navigator.serviceWorker.register('/sw.js?u=' + encodeURIComponent(JSON.stringify(${list}))).then(() => new Promise((r) => setTimeout(r, 1500)))
      : Promise.resolve()]`);
    case 'meta-refresh': return `<meta http-equiv="refresh" content="0;url=${attr(urls[0] ?? '')}">`;
    case 'location': return `<script>location.href = ${js(urls[0] ?? '')};</script>`;
    case 'iframe-redirect': return urls.map((u) => `<iframe src="/redirect?to=${encodeURIComponent(u)}"></iframe>`).join('') + ITEM;
    default: return 'unknown kind';
  }
}

const SW = `const urls = JSON.parse(new URL(location.href).searchParams.get('u'));
self.addEventListener('install', (e) => e.waitUntil(Promise.allSettled(urls.map((u) => fetch(u, { mode: 'no-cors' })))));`;

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const urls = url.searchParams.getAll('u');
  if (url.pathname === '/ok') return html(res, ITEM);
  if (url.pathname === '/redirect') return void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
  if (url.pathname === '/sw.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(SW);
  if (url.pathname.startsWith('/attack/')) return html(res, attackPage(url.pathname.slice('/attack/'.length), urls));
  html(res, 'not found', 404);
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function startServers(): Promise<Servers> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const keep = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  // Any connection at all counts, not just complete HTTP requests: a tunnel that got through is a hit.
  const target = createServer((_req, res) => res.end('private data')).on('connection', (s: Socket) => {
    hits++;
    keep(s);
  });
  const served = new Map<string, number>();
  const site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served.set(path, (served.get(path) ?? 0) + 1);
    route(req, res);
  }).on('connection', keep);
  const port = await listen(target, '127.0.0.1', 0);
  await listen(site, '127.0.0.2', port);
  return {
    port,
    targetHits: () => hits,
    siteHits: (path) => served.get(path) ?? 0,
    siteUrl: `http://127.0.0.2:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([target, site].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
