import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { BrowserPool } from '../src/pool.ts';
import { startTestPool } from './test-pool.ts';
import type { AddressInfo } from 'node:net';
import { EgressProxy } from '../src/egress/proxy.ts';
import { parseAllowance } from '../src/egress/allowance.ts';

export interface PagedSite { base: string; egress: EgressProxy; close(): Promise<void> }

/**
 * A site on 127.0.0.1 serving `…/page-N.html` from `pageHtml(N)` (any directory), and an egress proxy that lets tasks
 * reach it and nothing else private. The proxy opens no socket until a task opens a lane.
 */
export async function startPagedSite(pageHtml: (page: number) => string): Promise<PagedSite> {
  const server: Server = createServer((req, res) => {
    const page = Number(/page-(\d+)\.html$/.exec(req.url ?? '')?.[1] ?? Number.NaN);
    if (!Number.isInteger(page)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(page));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, egress: new EgressProxy({ allow: parseAllowance(new URL(base).host) }), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * For a test file: the paged site and a browser pool started before its tests and closed after them; `ready` gets
 * them once started (the file keeps them in its own variables).
 */
export function usePagedSite(pageHtml: (page: number) => string, ready: (s: PagedSite & { pool: BrowserPool }) => void): void {
  let site: PagedSite | undefined;
  let pool: BrowserPool | undefined;
  beforeAll(async () => {
    [site, pool] = await Promise.all([startPagedSite(pageHtml), startTestPool()]);
    ready({ ...site, pool });
  });
  afterAll(async () => {
    await pool?.close();
    await site?.close();
  });
}

/** The job both fast-path DOM files read their pages with: id, name, price and link of each `itemSelector`, a next link. */
export const pagedSpec = (itemSelector: string) => ({
  itemSelector,
  fields: {
    id: { source: 'attr', attr: 'data-id', required: true }, name: { selector: 'h2.name' },
    price: { selector: '.price', process: [{ op: 'number' }] },
    url: { selector: 'a.link', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
  },
  pagination: { type: 'nextLink', selector: 'a.next' },
  artifacts: { trace: 'off', har: 'off', screenshots: 'off' },
});
