import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local site for browser tests: one route per behaviour, ephemeral port, request counting. */
export interface TestSite {
  url: string;
  /** Requests seen per path prefix ("/img/", "/font/", ...). */
  hits(prefix: string): number;
  close(): Promise<void>;
}

function row(i: number, hidden = ''): string {
  return `<li class="item"${hidden}><a class="title" href="/product/${i}">  Item ${i} </a>`
    + `<span class="price">$1,${String(i).padStart(3, '0')}.50</span><img src="/img/${i}.png"></li>`;
}

export function listingHtml(n: number, opts: { next?: string; extras?: string } = {}): string {
  const rows = Array.from({ length: n }, (_, i) => row(i + 1)).join('\n');
  return `<!doctype html><html><head><title>listing</title>
<link rel="stylesheet" href="/css/site.css">
<style>@font-face { font-family: T; src: url(/font/t.woff2) format('woff2'); } body { font-family: T; }</style>
</head><body><ul id="list">${rows}</ul>
<template><li class="item"><a class="title" href="/product/999">Template row</a></li></template>
${row(901, ' style="display:none"')}${row(902, ' hidden')}
${opts.next ? `<a class="next" href="${opts.next}">Next</a>` : ''}${opts.extras ?? ''}
</body></html>`;
}

const LATE = `<!doctype html><html><body><ul id="list"></ul><script>
window.addEventListener('load', () => setTimeout(() => {
  document.getElementById('list').innerHTML = ${JSON.stringify(Array.from({ length: 5 }, (_, i) => row(i + 1)).join(''))};
}, 100));
</script></body></html>`;

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const html = (status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
    res.end(body);
  };
  const p = url.pathname;
  if (p === '/listing') return html(200, listingHtml(20, { next: '/listing?page=2' }));
  if (p === '/late') return html(200, LATE);
  if (p === '/empty') return html(200, '<!doctype html><html><body><p>nothing here</p></body></html>');
  if (p === '/hidden-only') return html(200, listingHtml(0));
  if (p.startsWith('/status/')) {
    const status = Number(p.slice('/status/'.length));
    const headers: Record<string, string> = status === 429 ? { 'retry-after': url.searchParams.get('ra') ?? '3' } : {};
    return html(status, `<html><body><li class="item">status ${status}</li></body></html>`, headers);
  }
  if (p === '/hang') return; // never answers: the runner must give up by its deadline
  if (p.startsWith('/img/') || p === '/pixel') {
    res.writeHead(200, { 'content-type': 'image/gif' });
    return void res.end(Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAA=', 'base64'));
  }
  if (p.startsWith('/font/')) return void res.writeHead(200, { 'content-type': 'font/woff2' }).end('');
  if (p.startsWith('/css/')) return void res.writeHead(200, { 'content-type': 'text/css' }).end('li { margin: 1px }');
  html(404, '<html><body>not found</body></html>');
}

export async function startTestSite(): Promise<TestSite> {
  const counts = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    route(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (prefix) => [...counts].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0),
    close: () => new Promise((resolve) => {
      // Hanging requests would keep close() waiting forever.
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
