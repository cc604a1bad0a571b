import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCatalog, formatPrice, startDemoSite, type DemoSite } from '../src/server.ts';

const ROW = /<li class="product" data-sku="([^"]+)"><a class="name" href="([^"]+)">([^<]*)<\/a> <span class="price">([^<]+)<\/span> <span class="category">([^<]+)<\/span><\/li>/g;

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Visible product rows: skips the <template> block; the hidden decoy does not match ROW. */
function parseRows(html: string): Array<{ sku: string; url: string; name: string; price: string; category: string }> {
  const withoutTemplates = html.replace(/<template>[\s\S]*?<\/template>/g, '');
  return Array.from(withoutTemplates.matchAll(ROW), (m) => ({
    sku: m[1] ?? '',
    url: unescapeHtml(m[2] ?? ''),
    name: unescapeHtml(m[3] ?? ''),
    price: m[4] ?? '',
    category: m[5] ?? '',
  }));
}

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite();
});
afterAll(async () => {
  await site.close();
});

describe('demoCatalog', () => {
  it('has 60 unique SKUs and is the same on every call', () => {
    const catalog = demoCatalog();
    expect(catalog).toHaveLength(60);
    expect(new Set(catalog.map((p) => p.sku)).size).toBe(60);
    expect(demoCatalog()).toEqual(catalog);
  });

  it('includes names that need escaping and quoting', () => {
    const names = demoCatalog().map((p) => p.name);
    for (const needle of ['&', '"', ',', 'Café Crème', '<']) {
      expect(names.some((n) => n.includes(needle)), needle).toBe(true);
    }
    expect(demoCatalog().some((p) => p.price >= 1000)).toBe(true);
  });

  it('formats prices with thousands separators', () => {
    expect(formatPrice(1299)).toBe('$1,299.00');
    expect(formatPrice(12.3)).toBe('$12.30');
    expect(formatPrice(3200)).toBe('$3,200.00');
  });
});

describe('catalog pages', () => {
  it.each([1, 2, 3])('page %i lists its 20 products', async (page) => {
    const res = await fetch(`${site.url}/catalog/page-${page}.html`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const expected = demoCatalog().slice((page - 1) * 20, page * 20);
    expect(parseRows(html)).toEqual(
      expected.map((p) => ({ sku: p.sku, url: p.url, name: p.name, price: formatPrice(p.price), category: p.category })),
    );
    expect(html).toContain('<template>');
    expect(html).toContain('style="display:none"');
    const hasNext = html.includes(`<a class="next" href="/catalog/page-${page + 1}.html">Next</a>`);
    expect(hasNext).toBe(page < 3);
  });

  it('JS pages start with an empty list and carry the products as data', async () => {
    const html = await (await fetch(`${site.url}/catalog-js/page-2.html`)).text();
    expect(html).toContain('<ul id="products"></ul>');
    expect(html).toContain('<a class="next" href="/catalog-js/page-3.html">Next</a>');
    for (const p of demoCatalog().slice(20, 40)) expect(html).toContain(`"sku":"${p.sku}"`);
  });

  it('serves product details, the empty page and 404 for unknown pages', async () => {
    const detail = await (await fetch(`${site.url}/product/SKU-013`)).text();
    expect(detail).toContain('<h1>Café Crème Mug</h1>');
    expect(detail).toContain('class="description"');
    const empty = await (await fetch(`${site.url}/empty.html`)).text();
    expect(parseRows(empty)).toEqual([]);
    expect((await fetch(`${site.url}/catalog/page-4.html`)).status).toBe(404);
    expect((await fetch(`${site.url}/product/SKU-999`)).status).toBe(404);
  });
});

describe('status, hits and close', () => {
  it.each([200, 403, 404, 429, 500, 503])('/status/%i answers with that status', async (code) => {
    const res = await fetch(`${site.url}/status/${code}`);
    expect(res.status).toBe(code);
    expect(res.headers.get('retry-after')).toBe(code === 429 ? '1' : null);
    await res.text();
  });

  it('counts hits by first path segment', async () => {
    const before = site.hits().product ?? 0;
    await (await fetch(`${site.url}/product/SKU-001`)).text();
    expect(site.hits().product).toBe(before + 1);
  });

  it('close() returns promptly while /hang is open', async () => {
    const own = await startDemoSite();
    const req = request(`${own.url}/hang`);
    const ended = new Promise<string>((resolve) => {
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.on('response', () => resolve('response'));
    });
    req.end();
    await expect.poll(() => own.hits().hang ?? 0).toBe(1);
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await ended).not.toBe('response');
  });
});
