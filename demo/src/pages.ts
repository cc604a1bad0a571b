/**
 * HTML for the demo site. Markup is hand-written strings: the point of the site is to give
 * scrapers stable, predictable selectors (li.product, a.name, span.price, a.next), and the
 * traps a real site has (a <template> row, a hidden decoy, late JS-inserted items).
 */
import { PAGE_COUNT, formatPrice, type DemoProduct } from './catalog.ts';

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
#products{list-style:none;padding:0}.product{padding:.4rem 0;border-bottom:1px solid #e4e7eb}
.price{font-weight:600;margin-left:.5rem}.category{color:#616e7c;font-size:.875rem;margin-left:.5rem}`;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function layout(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style>${head}</head>
<body>
${body}
</body>
</html>
`;
}

export function productRow(p: DemoProduct): string {
  return `<li class="product" data-sku="${escapeHtml(p.sku)}"><a class="name" href="${escapeHtml(p.url)}">${escapeHtml(p.name)}</a> <span class="price">${formatPrice(p.price)}</span> <span class="category">${escapeHtml(p.category)}</span></li>`;
}

// Neither of these is a product: the template is inert, the decoy is never rendered.
const TEMPLATE_ROW = `<template><li class="product" data-sku="SKU-TEMPLATE"><a class="name" href="/product/SKU-TEMPLATE">Template product</a> <span class="price">$0.00</span> <span class="category">None</span></li></template>`;
const DECOY_ROW = `<li class="product" style="display:none" data-sku="SKU-DECOY"><a class="name" href="/product/SKU-DECOY">Hidden decoy</a> <span class="price">$9.99</span> <span class="category">None</span></li>`;

function nextLink(base: string, page: number): string {
  return page < PAGE_COUNT ? `<a class="next" href="/${base}/page-${page + 1}.html">Next</a>` : '';
}

function listingHeader(page: number, note: string): string {
  return `<h1>Catalog, page ${page} of ${PAGE_COUNT}</h1>\n<p>${note} <a href="/">Home</a></p>`;
}

export function catalogPageHtml(page: number, products: DemoProduct[]): string {
  const rows = [DECOY_ROW, ...products.map(productRow)].join('\n');
  const body = `${listingHeader(page, 'Static listing.')}
${TEMPLATE_ROW}
<ul id="products">
${rows}
</ul>
<nav>${nextLink('catalog', page)}</nav>`;
  return layout(`Catalog page ${page}`, body);
}

/** Same products and markup as catalogPageHtml, but the list is filled 100 ms after load. */
export function catalogJsPageHtml(page: number, products: DemoProduct[]): string {
  // Escape '<' so a product name can never close the script element.
  const data = JSON.stringify(
    products.map((p) => ({ sku: p.sku, name: p.name, price: formatPrice(p.price), url: p.url, category: p.category })),
  ).replace(/</g, '\\u003c');
  const script = `<script>
const items = ${data};
function span(cls, text) { const s = document.createElement('span'); s.className = cls; s.textContent = text; return s; }
function row(p, hidden) {
  const li = document.createElement('li'); li.className = 'product'; li.dataset.sku = p.sku;
  if (hidden) li.style.display = 'none';
  const a = document.createElement('a'); a.className = 'name'; a.href = p.url; a.textContent = p.name;
  li.append(a, ' ', span('price', p.price), ' ', span('category', p.category));
  return li;
}
window.addEventListener('load', () => setTimeout(() => {
  const ul = document.getElementById('products');
  ul.append(row({ sku: 'SKU-DECOY', name: 'Hidden decoy', price: '$9.99', url: '/product/SKU-DECOY', category: 'None' }, true));
  for (const p of items) ul.append(row(p, false));
  document.body.dataset.loaded = 'true';
}, 100));
</script>`;
  const body = `${listingHeader(page, 'Items appear 100 ms after load.')}
${TEMPLATE_ROW}
<ul id="products"></ul>
<nav>${nextLink('catalog-js', page)}</nav>
${script}`;
  return layout(`Catalog (JS) page ${page}`, body);
}

export function productPageHtml(p: DemoProduct): string {
  const body = `<p><a href="/">Home</a></p>
<h1>${escapeHtml(p.name)}</h1>
<p class="price">${formatPrice(p.price)}</p>
<p class="category">${escapeHtml(p.category)}</p>
<p class="description">${escapeHtml(`${p.name} (${p.sku}) from our ${p.category.toLowerCase()} range. Ships in 2 to 3 days.`)}</p>`;
  return layout(p.name, body);
}

export function indexPageHtml(): string {
  const pages = (base: string) =>
    Array.from({ length: PAGE_COUNT }, (_, i) => `<li><a href="/${base}/page-${i + 1}.html">/${base}/page-${i + 1}.html</a></li>`).join('');
  const body = `<h1>Trawl demo site</h1>
<p>A local shop for trying Trawl without the internet.</p>
<h2>Static catalog</h2><ul>${pages('catalog')}</ul>
<h2>Catalog rendered by JavaScript</h2><ul>${pages('catalog-js')}</ul>
<h2>Other pages</h2><ul>
<li><a href="/product/SKU-001">/product/SKU-001</a>: a product detail page</li>
<li><a href="/empty.html">/empty.html</a>: a page with no products</li>
<li><a href="/status/404">/status/404</a>, <a href="/status/429">/status/429</a>, <a href="/status/500">/status/500</a>: any status from 200 to 599</li>
<li><a href="/hang">/hang</a>: never answers</li>
</ul>`;
  return layout('Trawl demo site', body);
}

export function emptyPageHtml(): string {
  return layout('No products', `<h1>No products here</h1>\n<ul id="products"></ul>\n<p><a href="/">Home</a></p>`);
}

export function messagePageHtml(status: number, message: string): string {
  return layout(`${status} ${message}`, `<h1>${status}</h1>\n<p class="message">${escapeHtml(message)}</p>\n<p><a href="/">Home</a></p>`);
}
