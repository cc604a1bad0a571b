import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { listingHtml } from './test-server.ts';

/**
 * Pages that attack the node rather than the network: popups, downloads, dialogs, endless loops, memory bombs,
 * self-closing pages, frame floods. Each page also has a listing (5 items), so a case whose hostile part is
 * neutralised still extracts something and the test can tell "succeeded" from "failed".
 */
export interface HostileSite {
  url: string;
  /** Bytes the download routes actually sent (the 100 MB file must not be fetched whole). */
  downloadBytes: number;
  close(): Promise<void>;
}

/** 100 MB, streamed in 64 KiB chunks as fast as the client reads. */
export const BIG_DOWNLOAD_BYTES = 100 * 1024 * 1024;

const items = (extra: string, head = ''): string => listingHtml(5, { extras: extra }).replace('</head>', `${head}</head>`);
const script = (js: string): string => `<script>${js}</script>`;

/** The page body per path; `{{self}}` becomes the site's own origin. */
const PAGES: Record<string, string> = {
  '/open-allowed': items(script(`window.open('/popup-target')`)),
  '/open-blocked': items(script(`window.open('http://169.254.169.254/latest/meta-data/')`)),
  '/open-blank': items(script(`const w = window.open('about:blank'); if (w) w.document.write('<p>popup</p>')`)),
  '/open-javascript': items(script(`window.open('javascript:alert(document.domain)')`)),
  '/open-many': items(script(`for (let i = 0; i < 50; i++) window.open('/popup-target?i=' + i)`)),
  '/blank-link': items(`<a id="out" target="_blank" href="/popup-target">out</a>`),
  '/download-link': items(`<a id="dl" download="x.bin" href="/file/small">download</a>`),
  '/download-big-link': items(`<a id="dl" href="/file/big">download</a>`),
  '/dialogs': items(script(`alert('a'); confirm('c'); prompt('p', 'd'); window.onbeforeunload = (e) => { e.preventDefault(); return 'stay'; }`)),
  '/print': items(script(`window.print(); window.print()`)),
  '/endless-loop': items(script(`addEventListener('load', () => setTimeout(() => { for (;;) {} }, 50))`)),
  '/memory-bomb': items(script(`addEventListener('load', () => setTimeout(() => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }, 50))`)),
  // Holds ~400 MB of touched memory, so the test can tell its renderer process from the neighbour's and kill it.
  '/renderer-crash': items(script(`window.ballast = new Uint8Array(400 * 1024 * 1024).fill(7)`)),
  '/self-close': items(script(`setTimeout(() => window.close(), 0)`)),
  // Chromium attaches at most 1,000 subframes; building the 10,000 elements still keeps the renderer busy ~10 s.
  '/iframes': items(script(`addEventListener('load', () => { for (let i = 0; i < 10000; i++) { const f = document.createElement('iframe'); f.srcdoc = '<p>' + i; document.body.appendChild(f); } })`)),
  '/history-spam': items(script(`for (let i = 0; i < 10000; i++) history.pushState({ i }, '', '?h=' + i); let n = 0; const t = setInterval(() => { location.hash = 'x' + n++; if (n > 2000) clearInterval(t); }, 0)`)),
  '/popup-target': '<!doctype html><html><body><p>popup</p></body></html>',
};

export async function startHostileSite(): Promise<HostileSite> {
  const sockets = new Set<Socket>();
  const site: HostileSite = { url: '', downloadBytes: 0, close: async () => undefined };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/attachment') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="report.csv"' });
      site.downloadBytes += 6;
      return void res.end('a,b,c\n');
    }
    if (path === '/file/small') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      site.downloadBytes += 1024;
      return void res.end(Buffer.alloc(1024));
    }
    if (path === '/file/big') return streamBig(res, (n) => { site.downloadBytes += n; });
    const page = PAGES[path];
    if (page === undefined) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  };
  const server: Server = createServer(route);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return site;
}

/** Sends BIG_DOWNLOAD_BYTES with backpressure, stopping when the client goes away. */
function streamBig(res: ServerResponse, sent: (n: number) => void): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="big.bin"', 'content-length': String(BIG_DOWNLOAD_BYTES) });
  const chunk = Buffer.alloc(64 * 1024);
  let left = BIG_DOWNLOAD_BYTES;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      left -= chunk.length;
      sent(chunk.length);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('close', () => { left = 0; });
  pump();
}
