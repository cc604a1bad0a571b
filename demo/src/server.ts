/**
 * A small shop served with plain node:http, so `npm run dev`, the end-to-end tests and the
 * benchmarks have something to scrape without the internet. Routes are listed on `/`.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PAGE_COUNT, catalogPage, findProduct } from './catalog.ts';
import {
  catalogJsPageHtml,
  catalogPageHtml,
  emptyPageHtml,
  indexPageHtml,
  messagePageHtml,
  productPageHtml,
} from './pages.ts';

export { demoCatalog, formatPrice, PAGE_SIZE, PAGE_COUNT, type DemoProduct } from './catalog.ts';

export interface DemoSite {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Stops listening and destroys every open socket (including /hang requests). */
  close(): Promise<void>;
  /** Requests so far by first path segment: `catalog`, `catalog-js`, `product`, `status`, `hang`, `empty.html`; `/` counts as ``. */
  hits(): Record<string, number>;
}

type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hang';

function route(pathname: string): Reply {
  if (pathname === '/') return { status: 200, body: indexPageHtml() };
  if (pathname === '/empty.html') return { status: 200, body: emptyPageHtml() };
  if (pathname === '/hang') return 'hang';

  const listing = /^\/(catalog|catalog-js)\/page-(\d+)\.html$/.exec(pathname);
  if (listing) {
    const page = Number(listing[2]);
    if (page >= 1 && page <= PAGE_COUNT) {
      const products = catalogPage(page);
      const body = listing[1] === 'catalog' ? catalogPageHtml(page, products) : catalogJsPageHtml(page, products);
      return { status: 200, body };
    }
  }

  const product = /^\/product\/([^/]+)$/.exec(pathname);
  const found = product?.[1] ? findProduct(decodeURIComponent(product[1])) : undefined;
  if (found) return { status: 200, body: productPageHtml(found) };

  const status = /^\/status\/(\d{3})$/.exec(pathname);
  if (status) {
    const code = Number(status[1]);
    if (code < 200 || code > 599) return { status: 400, body: messagePageHtml(400, 'Status must be 200 to 599') };
    const headers: Record<string, string> = code === 429 ? { 'retry-after': '1' } : {};
    return { status: code, body: messagePageHtml(code, STATUS_CODES[code] ?? 'Status'), headers };
  }

  return { status: 404, body: messagePageHtml(404, 'Not Found') };
}

function firstSegment(pathname: string): string {
  return pathname.split('/')[1] ?? '';
}

export async function startDemoSite(opts: { port?: number; host?: string } = {}): Promise<DemoSite> {
  const host = opts.host ?? '127.0.0.1';
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let pathname = '/';
    try {
      pathname = new URL(req.url ?? '/', 'http://demo.invalid').pathname;
    } catch {
      // A malformed request target falls through to the 404 page via an impossible path.
      pathname = '/\0';
    }
    const segment = firstSegment(pathname);
    counts.set(segment, (counts.get(segment) ?? 0) + 1);

    const reply = route(pathname);
    if (reply === 'hang') return; // The socket stays open until the client gives up or close() runs.
    const noBody = reply.status === 204 || reply.status === 304 || req.method === 'HEAD';
    res.writeHead(reply.status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...reply.headers,
    });
    res.end(noBody ? undefined : reply.body);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
    hits: () => Object.fromEntries(counts),
  };
}
