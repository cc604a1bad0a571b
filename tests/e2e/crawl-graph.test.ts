import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { GRAPH, GRAPH_CATEGORIES, GRAPH_PAGE_SIZE, graphRecords } from '../../fixtures/src/graph-pages.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg } from './client.ts';
import { runJobToEnd, type Row } from './run-job.ts';

const base = () => inject('fixtureUrl');

/** The whole graph in one job: home -> categories' listings (2 pages each) -> detail pages -> one record per variant row. */
const graphJob = (extra: Record<string, unknown> = {}) => ({
  startUrls: [`${base()}/graph/home`],
  levels: [{ name: 'categories', links: { selector: 'a.category' } }],
  itemSelector: 'li.product',
  fields: {
    sku: { source: 'attr', attr: 'data-sku', required: true },
    name: { selector: 'a.name' },
    url: { selector: 'a.name', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
  },
  pagination: { type: 'nextLink', selector: 'a.next' },
  detail: {
    urlField: 'url', fields: { brand: { selector: '.brand' } },
    rows: { table: 'table.variants', columns: { size: 'Size', colour: 'colour', store: 'Stock Store', online: 'stock  online', vprice: 'Price' }, inherit: ['sku', 'name'] },
  },
  dedupeKey: ['sku'],
  concurrency: 4,
  ...extra,
});

const order = (rows: Row[]) => rows.toSorted((a, b) => JSON.stringify([a.sku, a.size, a.colour]).localeCompare(JSON.stringify([b.sku, b.size, b.colour])));

describe('a crawl graph in one job (issue #12 §2)', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  beforeAll(async () => {
    [org, fleet] = await Promise.all([newOrg('Crawl graph'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 4 })]);
  });
  afterAll(async () => { await fleet?.stop(); });

  it('walks categories, paginated listings and detail pages, and emits one record per variant row with the product\'s fields', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'graph', graphJob());
    const expected = graphRecords();
    // 1 home + 2 categories x 2 listing pages + one detail page per product; each category is linked twice on the home page.
    expect(r.run).toMatchObject({ status: 'succeeded', error: null, warnings: [],
      counts: { pagesSucceeded: 1 + 4 + GRAPH.length, pagesFailed: 0, items: expected.length, skipped: { maxPages: 0, maxItems: 0, duplicate: 2 } } });
    expect(order(r.items)).toEqual(order(expected));
  });

  it('a level taking only its first link walks only that category', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'graph-first', graphJob({ levels: [{ name: 'categories', links: { selector: 'a.category', all: false } }] }));
    const tents = GRAPH.filter((p) => p.category === 'tents');
    const expected = graphRecords(tents);
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 1 + 2 + tents.length, items: expected.length, skipped: { duplicate: 0 } } });
    expect(order(r.items)).toEqual(order(expected));
  });

  it('limits.maxPages bounds level and listing pages (not detail pages), in link order; pages over it are counted as skipped', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'graph-max-pages', graphJob({ limits: { maxPages: 2 } }));
    // Home + the first category's first page: the second category's link and the first's next link are over the limit.
    const first = GRAPH.filter((p) => p.category === GRAPH_CATEGORIES[0]).slice(0, GRAPH_PAGE_SIZE);
    const expected = graphRecords(first);
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 2 + first.length, items: expected.length, skipped: { maxPages: 2, duplicate: 2 } } });
    expect(r.run.warnings.map((w) => [w.code, w.reason, w.count])).toEqual([['URLS_SKIPPED', 'maxPages', 2]]);
    expect(order(r.items)).toEqual(order(expected));
  });

  it('a plain detail page whose field matches several variant rows raises DETAIL_AMBIGUOUS naming the field (#12 §7)', async ({ expect }) => {
    const r = await runJobToEnd(org.key, 'graph-ambiguous', graphJob({
      detail: { urlField: 'url', fields: { brand: { selector: '.brand' }, variant: { selector: 'table.variants tbody tr' } } },
    }));
    // Every product has at least two variant rows; its brand appears once, so only "variant" is named.
    const most = Math.max(...GRAPH.map((p) => p.variants.length));
    expect(r.run).toMatchObject({ status: 'succeeded', counts: { items: GRAPH.length } });
    expect(r.run.warnings).toEqual([{ code: 'DETAIL_AMBIGUOUS', field: 'variant', count: GRAPH.length, reason: 'detail.fields',
      message: `${GRAPH.length} detail page(s): variant matched up to ${most} elements and took the first; narrow its selector, or use detail.rows for one record per row` }]);
    expect(r.items.map((x) => x.brand).toSorted()).toEqual(GRAPH.map((p) => p.brand).toSorted());
  });

  it('rejects a bad graph with 400 INVALID_SPEC at each path', async ({ expect }) => {
    const spec = graphJob({ levels: [{ name: 'a', links: { selector: 'a' } }, { name: 'a', links: { selector: 'b' } }] });
    (spec.detail as { rows: { inherit: string[]; columns: Record<string, string> } }).rows.inherit = ['sku', 'nope'];
    (spec.detail as { rows: { columns: Record<string, string> } }).rows.columns = { name: 'Name' };
    const bad = await api(org.key, 'POST', '/v1/jobs', { name: 'bad graph', spec });
    expect(bad.status).toBe(400);
    const body = bad.body as { error: { code: string; details: { issues: Array<{ path: string }> } } };
    expect(body.error.code).toBe('INVALID_SPEC');
    expect(body.error.details.issues.map((i) => i.path).toSorted()).toEqual(['spec.detail.rows.columns.name', 'spec.detail.rows.inherit.1', 'spec.levels.1.name']);
  });
});
