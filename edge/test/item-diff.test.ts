import { describe, expect, it } from 'vitest';
import { JobSpec } from '@trawl/schemas';
import { comparedFields, diffItems, normalized, type SnapshotItem } from '../src/coordinator/item-diff.ts';

const spec = JobSpec.parse({
  startUrls: ['https://shop.example.com/p/1'], itemSelector: 'li', dedupeKey: ['sku'],
  fields: { sku: { source: 'attr', attr: 'data-sku' }, name: { selector: '.name' }, price: { selector: '.price' },
    seenAt: { context: 'fetchedAt' }, stock: { selector: '.stock', ignoreForChanges: true } },
  detail: { urlField: 'sku', fields: { description: { selector: '.d' } } },
});
const FIELDS = ['sku', 'name', 'price', 'description'];
const P1 = 'https://shop.example.com/p/1';
const P2 = 'https://shop.example.com/p/2';
const item = (sku: string, p: string, d: Record<string, unknown>): SnapshotItem => ({ k: JSON.stringify(sku), p, d: { sku, ...d } });
const mapOf = (items: SnapshotItem[]) => new Map(items.map((i) => [i.k, i]));
const ALL_OK = { ok: new Set([P1, P2]), failed: 0 };

describe('the change feed\'s comparison', () => {
  it('compares listing and detail fields, leaving out context fields and ignoreForChanges ones', () => {
    expect(comparedFields(spec)).toEqual(FIELDS);
  });

  it('whitespace-only differences are no change; other differences are', () => {
    expect(normalized({ a: ' Red\n  chair ', b: ['x  y'], c: 3 })).toEqual({ a: 'Red chair', b: ['x y'], c: 3 });
    const prev = mapOf([item('A', P1, { name: 'Red  chair', price: 10, seenAt: 1, stock: 3 })]);
    const { lines, summary } = diffItems(prev, [item('A', P1, { name: ' Red chair\n', price: 10, seenAt: 2, stock: 9 })], FIELDS, ALL_OK, 'run_1');
    expect(lines).toEqual([]);
    expect(summary).toEqual({ added: 0, changed: 0, removed: 0, baselineRunId: 'run_1' });
  });

  it('reports added, removed and changed items with the changed fields before and after', () => {
    const prev = mapOf([item('A', P1, { name: 'Alpha', price: 10 }), item('B', P1, { name: 'Beta', price: 5 }), item('C', P2, { name: 'Gamma', price: 7 })]);
    const now = [item('A', P1, { name: 'Alpha', price: 12 }), item('C', P2, { name: 'Gamma', price: 7 }), item('D', P2, { name: 'Delta', price: 1 })];
    const { lines, summary } = diffItems(prev, now, FIELDS, ALL_OK, 'run_1');
    expect(lines).toEqual([
      { change: 'changed', key: '"A"', fields: ['price'], before: { price: 10 }, after: { price: 12 } },
      { change: 'added', key: '"D"', fields: FIELDS, before: null, after: { sku: 'D', name: 'Delta', price: 1, description: null } },
      { change: 'removed', key: '"B"', fields: FIELDS, before: { sku: 'B', name: 'Beta', price: 5, description: null }, after: null },
    ]);
    expect(summary).toEqual({ added: 1, changed: 1, removed: 1, baselineRunId: 'run_1' });
  });

  it('a field the item lacks entirely this run (its detail page failed) is not a change', () => {
    const prev = mapOf([item('A', P1, { name: 'Alpha', price: 10, description: 'Long text' })]);
    expect(diffItems(prev, [item('A', P1, { name: 'Alpha', price: 10 })], FIELDS, ALL_OK).lines).toEqual([]);
    expect(diffItems(prev, [item('A', P1, { name: 'Alpha', price: 10, description: null })], FIELDS, ALL_OK).lines.map((l) => l.fields)).toEqual([['description']]);
  });

  it('with a failed page, an item of a page not fetched fine is withheld, not removed; one of a page fetched fine is removed', () => {
    const prev = mapOf([item('A', P1, { name: 'Alpha' }), item('B', P1, { name: 'Beta' }), item('C', P2, { name: 'Gamma' })]);
    const { lines, summary } = diffItems(prev, [item('A', P1, { name: 'Alpha' })], FIELDS, { ok: new Set([P1]), failed: 1 }, 'run_1');
    expect(lines.map((l) => [l.change, l.key])).toEqual([['removed', '"B"']]);
    expect(summary).toMatchObject({ added: 0, changed: 0, removed: 1 });
    expect(summary.removalsWithheld).toBe('1 page(s) failed: 1 item(s) of pages not fetched this run are not reported removed');
  });

  it('on a job\'s first run every item is added, with no baseline named', () => {
    const { lines, summary } = diffItems(null, [item('A', P1, { name: 'Alpha' }), item('B', P1, { name: 'Beta' })], FIELDS, ALL_OK);
    expect(lines.map((l) => [l.change, l.key])).toEqual([['added', '"A"'], ['added', '"B"']]);
    expect(summary).toEqual({ added: 2, changed: 0, removed: 0 });
  });
});
