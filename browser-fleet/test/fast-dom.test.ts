import { describe, expect, it } from 'vitest';
import { collectArgsOf, collectInPage } from '@trawl/engine';
import type { TaskResult } from '@trawl/schemas';
import type { BrowserPool } from '../src/pool.ts';
import type { EgressProxy } from '../src/egress/proxy.ts';
import { executeTask } from '../src/fast/render-executor.ts';
import { DomPage } from '../src/fast/dom-page.ts';
import { makeTask } from './fixtures.ts';
import { pagedSpec, usePagedSite } from './paged-site.ts';

/**
 * The fast path's DOM (ADR 0049, one shared happy-dom window since ADR 0063) against the browser: pages whose rows are
 * hidden by the cascade in every way the collector checks, read both ways through the real executor (`compare`), and
 * pages read at once, whose documents share the window but not their location or elements.
 */
interface Row { id: string; name: string; cls?: string; attrs?: string }
const VISIBLE: Row[] = [{ id: 'a1', name: 'Alpha' }, { id: 'a7', name: 'Eta' }, { id: 'a9', name: 'Iota' }];
const HIDDEN: Row[] = [
  { id: 'h2', name: 'Beta', cls: 'gone' }, // display: none from a stylesheet rule
  { id: 'h3', name: 'Gamma', cls: 'ghost' }, // visibility: hidden from a stylesheet rule
  { id: 'h4', name: 'Delta', attrs: ' style="display:none"' },
  { id: 'h5', name: 'Epsilon', attrs: ' hidden' },
  { id: 'h6', name: 'Zeta', attrs: ' aria-hidden="true"' },
];
const rowHtml = (r: Row, page: number): string => `<div class="row${r.cls ? ` ${r.cls}` : ''}"${r.attrs ?? ''} data-id="${r.id}-${page}">`
  + `<h2 class="name">${r.name}</h2><span class="price">$1,00${page}.50</span><a class="link" href="p/${r.id}-${page}">more</a></div>`;
const pageHtml = (page: number): string => `<!doctype html><html><head><title>page ${page}</title><base href="/shop/">
<style>.gone { display: none } .ghost { visibility: hidden } #wrap .veil { display: none }</style></head><body><div id="wrap">
${[VISIBLE[0]!, ...HIDDEN, VISIBLE[1]!].map((r) => rowHtml(r, page)).join('\n')}
<section class="veil">${rowHtml({ id: 'h8', name: 'Theta' }, page)}</section>
${rowHtml(VISIBLE[2]!, page)}</div><a class="next" href="page-${page + 1}.html">next</a></body></html>`;

const SPEC = pagedSpec('div.row');

let base: string;
let pool: BrowserPool;
let egress: EgressProxy; // no sockets of its own until a task opens a lane
usePagedSite(pageHtml, (s) => ({ base, egress, pool } = s));

const expectedItems = (page: number): Array<Record<string, unknown>> => VISIBLE.map((r) => ({
  id: `${r.id}-${page}`, name: r.name, price: 1000 + page + 0.5, url: `${base}/shop/p/${r.id}-${page}`,
}));
const run = (page: number, mode: 'compare' | 'http-only'): Promise<TaskResult> =>
  executeTask(makeTask(`${base}/shop/page-${page}.html`, { render: { mode, reason: 'sampling' } }, SPEC), pool, { nodeId: 'nod_test', egress });

describe('fast path DOM', () => {
  it('reads the same records as the browser on pages hidden by the cascade, inline styles, hidden and aria-hidden, 3 pages at once', async () => {
    const results = await Promise.all([1, 2, 3].map((page) => run(page, 'compare')));
    for (const [i, result] of results.entries()) {
      expect(result.render).toEqual({ mode: 'browser', reason: 'identical', compared: 'identical' });
      expect(result.items).toEqual(expectedItems(i + 1));
    }
  });

  it('pages read at once over HTTP keep their own records, location and next link (one window, a document each)', async () => {
    const results = await Promise.all([4, 5, 6, 7].map((page) => run(page, 'http-only')));
    for (const [i, result] of results.entries()) {
      expect(result.render).toEqual({ mode: 'http', reason: 'forced-http' });
      expect(result.items).toEqual(expectedItems(i + 4));
      expect(result.discovered).toEqual([{ url: `${base}/shop/page-${i + 5}.html`, kind: 'page' }]);
    }
  });

  it('two DomPages built before either is read: each evaluate sees its own document and URL', () => {
    const a = new DomPage(pageHtml(11), `${base}/x/page-11.html`);
    const b = new DomPage('<!doctype html><html><body><div class="row" data-id="only"></div></body></html>', `${base}/y/other.html`);
    const args = collectArgsOf({ itemSelector: 'div.row', fields: { id: { source: 'attr', attr: 'data-id', required: true } } as never, pagination: { type: 'nextLink', selector: 'a.next' } as never });
    const fromB = b.evaluate(collectInPage, args);
    const fromA = a.evaluate(collectInPage, args);
    expect(fromB).toEqual({ items: [{ id: 'only' }], matched: 1, nextHref: null, baseUrl: `${base}/y/other.html`, pageUrl: `${base}/y/other.html` });
    expect(fromA.items.map((x) => x.id)).toEqual(VISIBLE.map((r) => `${r.id}-11`));
    expect(fromA.matched).toBe(VISIBLE.length + HIDDEN.length + 1);
    expect(fromA).toMatchObject({ nextHref: `${base}/shop/page-12.html`, baseUrl: `${base}/shop/`, pageUrl: `${base}/x/page-11.html` });
    a.close();
    b.close();
  });
});
