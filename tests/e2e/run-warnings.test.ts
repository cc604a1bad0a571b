import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnSite, type OwnSite } from './own-site.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';

/** The site's listing pages, each linking to the next; a name left empty is an item the required field drops. */
const PAGES: Array<Array<{ sku: string; name: string; price: string }>> = [
  [{ sku: 'A', name: 'Alpha', price: '1,234' }, { sku: 'B', name: 'Beta', price: '5' }, { sku: 'C', name: '', price: '6' }],
  [{ sku: 'D', name: 'Delta', price: '2,500' }, { sku: 'E', name: 'Echo', price: '7' }],
  [{ sku: 'F', name: 'Foxtrot', price: '8' }],
];
const MAX_PAGES = 2;
const fetched = PAGES.slice(0, MAX_PAGES).flat();
/** A thousands separator without a locale reads two ways (1234 or 1.234): the number step leaves it null. */
const ambiguous = fetched.filter((i) => /^\d{1,3},\d{3}$/.test(i.price));
const EXPECTED_WARNINGS = [
  { code: 'VALUES_UNPARSED', field: 'price', reason: 'number', count: ambiguous.length, example: ambiguous[0]!.price },
  { code: 'ITEMS_DROPPED', field: 'name', count: fetched.filter((i) => !i.name).length },
  // Page MAX_PAGES links to page MAX_PAGES + 1, which the limit cuts.
  { code: 'URLS_SKIPPED', reason: 'maxPages', count: 1 },
];

/** A one-page listing the site shrinks between two runs of one job: fewer items, and prices gone. */
const Q_FULL = [{ sku: 'Q1', name: 'One', price: '1' }, { sku: 'Q2', name: 'Two', price: '2' }, { sku: 'Q3', name: 'Three', price: '3' }, { sku: 'Q4', name: 'Four', price: '4' }];
const Q_SHRUNK = [{ sku: 'Q1', name: 'One', price: '' }];
const priceRate = (items: typeof Q_FULL) => items.filter((i) => i.price).length / items.length;

const html = (n: number) => `<!doctype html><html><body><ul>${PAGES[n - 1]!.map((i) =>
  `<li class="product" data-sku="${i.sku}"><span class="name">${i.name}</span> <span class="price">${i.price}</span></li>`).join('')}</ul>${
  n < PAGES.length ? `<a class="next" href="/p/${n + 1}">next</a>` : ''}</body></html>`;

/** Issue #10 part 7 through the whole product: a run's warnings, and a job that fails on them. */
describe('run warnings', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let own: OwnSite | undefined;
  let site = '';
  let shrunk = false;

  beforeAll(async () => {
    own = await startOwnSite('Warnings', (req, res) => {
      if (req.url === '/q') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<!doctype html><html><body><ul>${(shrunk ? Q_SHRUNK : Q_FULL).map((i) =>
          `<li class="product" data-sku="${i.sku}"><span class="name">${i.name}</span> <span class="price">${i.price}</span></li>`).join('')}</ul></body></html>`);
      }
      const m = new URL(req.url ?? '/', 'http://x').pathname.match(/^\/p\/(\d+)$/);
      const n = Number(m?.[1] ?? 0);
      res.writeHead(n >= 1 && n <= PAGES.length ? 200 : 404, { 'content-type': 'text/html' });
      res.end(n >= 1 && n <= PAGES.length ? html(n) : 'no');
    });
    ({ url: site, org } = own);
  });
  afterAll(async () => {
    await own?.close();
  });

  async function newJob(extra: Record<string, unknown>): Promise<string> {
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'warnings', spec: {
      startUrls: [`${site}/p/1`], itemSelector: 'li.product', wait: { forItems: true, timeoutMs: 5000 },
      fields: {
        sku: { source: 'attr', attr: 'data-sku', required: true },
        name: { selector: '.name', required: true },
        price: { selector: '.price', process: [{ op: 'number' }] },
      },
      pagination: { type: 'nextLink', selector: 'a.next' }, limits: { maxPages: MAX_PAGES }, ...extra,
    } });
    expect(job.status, job.text).toBe(201);
    return String(job.body.id);
  }

  async function runToEnd(extra: Record<string, unknown>, jobId?: string) {
    const run = await api(org.key, 'POST', `/v1/jobs/${jobId ?? await newJob(extra)}/runs`);
    expect(run.status, run.text).toBe(201);
    const runId = String(run.body.id);
    await waitForRun(org.key, runId, 100_000);
    const got = await api(org.key, 'GET', `/v1/runs/${runId}`);
    expect(got.status).toBe(200);
    const results = await api(org.key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
    expect(results.status, results.text).toBe(200);
    const items = results.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    return { run: got.body, items, events: await followEvents(org.key, runId) };
  }

  const withoutMessages = (ws: unknown) => (ws as Array<Record<string, unknown>>).map(({ message: _m, ...rest }) => rest);

  it('GET /v1/runs/{id} and the event stream carry exactly the warnings the site\'s data leads to; the run still succeeds', async () => {
    const r = await runToEnd({});
    expect(r.run).toMatchObject({ status: 'succeeded', error: null });
    expect(withoutMessages(r.run.warnings)).toEqual(EXPECTED_WARNINGS);
    expect(r.items.map((i) => i.sku)).toEqual(fetched.filter((i) => i.name).map((i) => i.sku));
    expect(withoutMessages(r.events.filter((e) => e.type === 'run.warning').map((e) => e.data))).toEqual(EXPECTED_WARNINGS);
    const finished = r.events.find((e) => e.type === 'run.finished');
    expect(withoutMessages((finished!.data as { warnings: unknown }).warnings)).toEqual(EXPECTED_WARNINGS);
  });

  it('failOnWarnings: a listed warning ends the run failed with RUN_WARNINGS, its items still downloadable', async () => {
    const r = await runToEnd({ failOnWarnings: ['ITEMS_DROPPED'] });
    expect(r.run).toMatchObject({ status: 'failed', error: { code: 'RUN_WARNINGS' } });
    expect(withoutMessages(r.run.warnings)).toEqual(EXPECTED_WARNINGS);
    expect(r.items.map((i) => i.sku)).toEqual(fetched.filter((i) => i.name).map((i) => i.sku));
  });

  it('failOnWarnings that lists none of the run\'s warnings leaves it succeeded', async () => {
    // Every page fetched: nothing skipped, so the URLS_SKIPPED the job fails on does not occur.
    const r = await runToEnd({ failOnWarnings: ['URLS_SKIPPED'], limits: { maxPages: PAGES.length } });
    expect(r.run).toMatchObject({ status: 'succeeded', error: null });
    expect(withoutMessages(r.run.warnings).map((w) => w.code)).toEqual(['VALUES_UNPARSED', 'ITEMS_DROPPED']);
  });

  it('against the job\'s previous successful run: far fewer items (FEWER_ITEMS, failing the job) and a field mostly empty (FILL_RATE_DROP)', async () => {
    const jobId = await newJob({ startUrls: [`${site}/q`], pagination: undefined, limits: { maxPages: 1 }, failOnWarnings: ['FEWER_ITEMS'] });
    shrunk = false;
    const first = await runToEnd({}, jobId);
    expect(first.run).toMatchObject({ status: 'succeeded', warnings: [] });
    shrunk = true;
    const second = await runToEnd({}, jobId);
    expect(second.run).toMatchObject({ status: 'failed', error: { code: 'RUN_WARNINGS' } });
    expect(withoutMessages(second.run.warnings)).toEqual([
      { code: 'FEWER_ITEMS', count: Q_SHRUNK.length, previous: Q_FULL.length },
      { code: 'FILL_RATE_DROP', field: 'price', rate: priceRate(Q_SHRUNK), previous: priceRate(Q_FULL) },
    ]);
    expect(second.items.map((i) => i.sku)).toEqual(Q_SHRUNK.map((i) => i.sku));
  });
});
