import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '@trawl/schemas';
import { startOwnSite, type OwnSite } from './own-site.ts';
import { api, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';

/** The site's products: PAGES listing pages of PER_PAGE, the same in the HTML variant and the script-drawn one. */
const PAGES = 6;
const PER_PAGE = 4;
const product = (p: number, i: number) => ({ sku: `S${p}-${i}`, name: `Item ${p}.${i} & co`, price: `${p * 10 + i}.50` });
const productsOf = (p: number) => Array.from({ length: PER_PAGE }, (_, i) => product(p, i + 1));
const card = (x: ReturnType<typeof product>) => `<li class="product" data-sku="${x.sku}"><span class="name">${x.name.replace('&', '&amp;')}</span> <span class="price">$${x.price}</span></li>`;
/** Rows a browser does not show (hidden by the stylesheet, on the row or on a wrapper): neither way may read them. */
const DECOYS = '<li class="product gone" data-sku="DECOY1"><span class="name">Decoy</span></li></ul><div class="gone"><ul><li class="product" data-sku="DECOY2"><span class="name">Decoy</span></li>';
const next = (variant: string, p: number, last: number) => (p < last ? `<a class="next" href="/${variant}/${p + 1}">next</a>` : '');
const staticPage = (p: number) => `<!doctype html><html><head><style>.gone { display: none }</style></head><body><ul>${productsOf(p).map(card).join('')}${DECOYS}</ul></div>${next('s', p, PAGES)}</body></html>`;
const jsPage = (p: number) => `<!doctype html><html><body><ul id="list"></ul>${next('js', p, 2)}<script>
setTimeout(() => { document.getElementById('list').innerHTML = ${JSON.stringify(productsOf(p).map(card).join(''))}; }, 30);</script></body></html>`;
/** A public-looking page that redirects to a private address: the fast path must refuse the hop as the browser does. */
const PRIVATE = 'http://10.11.12.13/latest/meta-data';

const FIELDS = {
  sku: { source: 'attr', attr: 'data-sku', required: true },
  name: { selector: '.name', required: true },
  price: { selector: '.price', process: [{ op: 'number' }] },
};
const expected = (pages: number[]) => pages.flatMap(productsOf).map((x) => ({ sku: x.sku, name: x.name, price: Number(x.price) }));

/**
 * Answers held pages once 4 of them are open at once (or after 10 s): how many the fast lane had in flight together is
 * then exactly what the site saw. 4 is the test deployment's cap per site (SITE_MAX_CONCURRENT), below the fast lane's
 * FAST_FANOUT (8) at concurrency 1: politeness bounds fast pages as it bounds browser pages.
 */
let held: Array<() => void> = [];
let open = 0;
let maxOpen = 0;
function holdUntilFour(answer: () => void): void {
  open++;
  maxOpen = Math.max(maxOpen, open);
  let timer: NodeJS.Timeout | undefined;
  const release = (): void => {
    clearTimeout(timer);
    open--;
    answer();
  };
  timer = setTimeout(() => {
    held = held.filter((h) => h !== release);
    release();
  }, 10_000);
  held.push(release);
  if (held.length >= 4) for (const h of held.splice(0)) h();
}

/** Issue #15 §1 through the whole product: pages without a browser where none is needed, chosen by evidence. */
describe('fast path', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let own: OwnSite | undefined;
  let site = '';

  beforeAll(async () => {
    own = await startOwnSite('Fast path', (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/redir') return void res.writeHead(302, { location: PRIVATE }).end();
      if (path.startsWith('/held/')) return void holdUntilFour(() => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(staticPage(Number(path.slice('/held/'.length))));
      });
      const m = /^\/(s|js)\/(\d+)$/.exec(path);
      const n = Number(m?.[2] ?? 0);
      const page = m?.[1] === 's' && n >= 1 && n <= PAGES ? staticPage(n) : m?.[1] === 'js' && n >= 1 && n <= 2 ? jsPage(n) : null;
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page ?? 'no');
    });
    ({ url: site, org } = own);
  });
  afterAll(async () => {
    await own?.close();
  });

  const run = (start: string, render: string, extra: Record<string, unknown> = {}) => runJobToEnd(org.key, `fast ${render}`, {
    startUrls: [`${site}${start}`], itemSelector: 'li.product', fields: FIELDS, pagination: { type: 'nextLink', selector: 'a.next' },
    wait: { forItems: true, timeoutMs: 3000 }, concurrency: 1, retry: { maxAttempts: 1 }, render, ...extra,
  });
  const events = async (runId: string): Promise<RunEvent[]> => (await api(org.key, 'GET', `/v1/runs/${runId}/logs`)).text.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);

  it('auto on a static listing: the first pages are compared, identical, then the rest take the fast path with exact records', async () => {
    const r = await run('/s/1', 'auto');
    expect(r.run.status).toBe('succeeded');
    expect(r.items.map(({ sku, name, price }) => ({ sku, name, price }))).toEqual(expected([1, 2, 3, 4, 5, 6]));
    // SAMPLE (3) pages rendered both ways, then PAGES - 3 without a browser.
    expect(r.run.counts).toMatchObject({ pagesSucceeded: PAGES, render: { http: PAGES - 3, browser: 3, reasons: { identical: 3, 'fast-path': PAGES - 3 } } });
    const render = (await events(r.runId)).filter((e) => e.type === 'page.render');
    expect(render.map((e) => [e.url, (e.data as { mode: string }).mode])).toEqual(Array.from({ length: PAGES }, (_, i) => [`${site}/s/${i + 1}`, i < 3 ? 'browser' : 'http']));
  });

  it('fast pages are not held to the browser concurrency (ADR 0058): 4 in flight at concurrency 1 (the site cap), each start recorded with its result', async () => {
    const pages = [1, 2, 3, 4, 5, 6, 7, 8];
    const r = await runJobToEnd(org.key, 'fast lane', {
      startUrls: pages.map((p) => `${site}/held/${p}`), itemSelector: 'li.product', fields: FIELDS,
      concurrency: 1, retry: { maxAttempts: 1 }, render: 'http',
    });
    expect(r.run.status).toBe('succeeded');
    expect(r.items.map(({ sku, name, price }) => ({ sku, name, price })).toSorted((a, b) => String(a.sku).localeCompare(String(b.sku)))).toEqual(expected(pages));
    expect(maxOpen).toBe(4);
    const log = await events(r.runId);
    // No start call: the coordinator records each start from the result, on the node that ran it.
    const started = log.filter((e) => e.type === 'task.started');
    expect(started).toHaveLength(8);
    expect(new Set(started.map((e) => typeof (e.data as { nodeId?: unknown }).nodeId)).size).toBe(1);
    expect(typeof (started[0]!.data as { nodeId?: unknown }).nodeId).toBe('string');
    expect(log.filter((e) => e.type === 'task.succeeded')).toHaveLength(8);
  });

  it('auto on a script-drawn listing: detected as needing the browser, nothing lost', async () => {
    const r = await run('/js/1', 'auto');
    expect(r.run.status).toBe('succeeded');
    expect(r.items.map(({ sku, name, price }) => ({ sku, name, price }))).toEqual(expected([1, 2]));
    expect(r.run.counts).toMatchObject({ render: { http: 0, browser: 2, reasons: { differs: 1, 'site-differs': 1 } } });
    expect(r.run.warnings).toEqual([]);
  });

  it('a redirect to a private address is refused on the fast path exactly as in the browser, with the same blocked record', async () => {
    const records = [];
    for (const render of ['http', 'browser']) {
      const r = await run('/redir', render);
      expect(r.run.status, render).toBe('failed');
      expect((r.run.error as { code: string }).code, render).toBe('BLOCKED_BY_POLICY');
      expect(r.run.counts.render, render).toEqual(render === 'http' ? { http: 1, browser: 0, reasons: { 'forced-http': 1 } } : { http: 0, browser: 1, reasons: { 'forced-browser': 1 } });
      const blocked = await api(org.key, 'GET', `/v1/runs/${r.runId}/blocked`);
      expect(blocked.status).toBe(200);
      records.push((blocked.body.data as Array<Record<string, unknown>>).map(({ url, host, address, reason }) => ({ url, host, address, reason })));
    }
    expect(records[0]).toEqual([{ url: PRIVATE, host: '10.11.12.13', address: '10.11.12.13', reason: expect.stringContaining('10.11.12.13 is not a public address') }]);
    expect(records[0]).toEqual(records[1]);
  });

  it('render "http" forced on a script-drawn page reports what it lost: a warning, never a silent success', async () => {
    const r = await run('/js/1', 'http');
    expect(r.run.status).toBe('failed');
    expect(r.items).toEqual([]);
    expect(r.run.counts).toMatchObject({ pagesFailed: 1, render: { http: 1, browser: 0, reasons: { 'forced-http': 1 } } });
    expect(r.run.warnings).toEqual([expect.objectContaining({ code: 'RENDERED_WITHOUT_BROWSER', count: 1 })]);
    const render = (await events(r.runId)).filter((e) => e.type === 'page.render');
    expect(render.map((e) => [e.level, (e.data as { lost?: boolean }).lost])).toEqual([['warn', true]]);
  });
});
