import type { JobSpecInput } from '@trawl/schemas';

/** The job the README and `npm run dev` use: the demo catalog, 3 pages of 20 products by next link. */
export function demoJobSpec(demoUrl: string, path = 'catalog'): JobSpecInput {
  return {
    startUrls: [`${demoUrl}/${path}/page-1.html`],
    itemSelector: '#products li.product',
    fields: {
      sku: { source: 'attr', attr: 'data-sku', required: true },
      name: { selector: '.name', required: true },
      price: { selector: '.price', process: [{ op: 'number' }] },
      category: { selector: '.category' },
      url: { selector: 'a.name', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
    },
    pagination: { type: 'nextLink', selector: 'a.next' },
    dedupeKey: ['sku'],
    concurrency: 2,
  };
}
