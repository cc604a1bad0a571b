import { demoCatalog } from '../../demo/src/server.ts';

/** What the demo job must produce: one record per catalog product, nothing else. */
export function expectedRecords(demoUrl: string) {
  return demoCatalog().map((p) => ({ sku: p.sku, name: p.name, price: p.price, category: p.category, url: `${demoUrl}${p.url}` }));
}
