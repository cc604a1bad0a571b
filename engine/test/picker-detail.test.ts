import { describe, expect, it } from 'vitest';
import { DETAIL_TEST_PAGES, detailTestTable, detailUrlsOf } from '../src/picker/index.ts';

describe('picker detail test (ADR 0053)', () => {
  it('opens the first distinct http(s) detail URLs of the items, at most three by default', () => {
    const items = [
      { url: 'https://a.test/1' }, { url: null }, { url: 'javascript:alert(1)' }, { url: 'https://a.test/1' },
      { url: 'http://a.test/2' }, { url: 42 }, { url: 'https://a.test/3' }, { url: 'https://a.test/4' },
    ];
    expect(DETAIL_TEST_PAGES).toBe(3);
    expect(detailUrlsOf(items, 'url')).toEqual(['https://a.test/1', 'http://a.test/2', 'https://a.test/3']);
    expect(detailUrlsOf(items, 'url', 1)).toEqual(['https://a.test/1']);
    expect(detailUrlsOf(items, 'link')).toEqual([]);
  });

  it('tables each page\'s fields or its failure code, and the fill of each field over all pages', () => {
    const t = detailTestTable(['material', 'stock'], [
      { url: 'https://a.test/1', values: { material: 'Walnut', stock: 12, other: 'x' } },
      { url: 'https://a.test/2', values: { material: '  ', stock: null } },
      { url: 'https://a.test/3', error: { code: 'HTTP_ERROR', message: 'HTTP 404' } },
      { url: 'https://a.test/4', values: { material: 'Oak', stock: { n: 1 } } },
    ]);
    expect(t.rows).toEqual([
      { url: 'https://a.test/1', values: { material: 'Walnut', stock: '12' }, error: null },
      { url: 'https://a.test/2', values: { material: '  ', stock: '' }, error: null },
      { url: 'https://a.test/3', values: {}, error: { code: 'HTTP_ERROR', message: 'HTTP 404' } },
      { url: 'https://a.test/4', values: { material: 'Oak', stock: '{"n":1}' }, error: null },
    ]);
    expect(t.fill).toEqual({ material: 0.5, stock: 0.5 });
    expect(t.failed).toBe(1);
    expect(detailTestTable(['a'], [])).toEqual({ fields: ['a'], rows: [], fill: { a: 0 }, failed: 0 });
  });
});
