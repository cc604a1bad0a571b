import { describe, expect, it } from 'vitest';
import { JobSpec, type RunFieldStats } from '@trawl/schemas';
import { driftFindings, fieldStatsOf } from '../src/coordinator/drift.ts';

const spec = JobSpec.parse({
  startUrls: ['https://shop.example.com/p/1'], itemSelector: 'li',
  fields: { sku: { source: 'attr', attr: 'data-sku' }, price: { selector: '.price', process: [{ op: 'number' }] }, seenAt: { context: 'fetchedAt' } },
});
const goodItems = [{ sku: 'A', price: 10 }, { sku: 'B', price: 25 }, { sku: 'C', price: 40 }, { sku: 'D', price: 12 }];
const stats = (items: Array<Record<string, unknown>>, s = spec): RunFieldStats => fieldStatsOf(s, items);
const checks = (current: RunFieldStats, baseline: RunFieldStats[]) => driftFindings(current, baseline).map((f) => [f.field, f.check, f.before, f.now]);

describe('field stats', () => {
  it('fill, type mix, distinct values and numeric range per field; context fields are not profiled', () => {
    const s = stats([...goodItems, { sku: 'E', price: 'n/a' }, { sku: 'F', price: null }]);
    expect(Object.keys(s)).toEqual(['sku', 'price']);
    expect(s.price).toEqual({ items: 6, filled: 5, types: { number: 4, string: 1 }, distinct: 5, min: 10, max: 40, selector: '.price', spec: JSON.stringify(spec.fields.price) });
  });
});

describe('the drift guard', () => {
  const baseline = [stats(goodItems), stats(goodItems.map((i) => ({ ...i, price: i.price + 1 })))];

  it('the same shape is no drift; no baseline is no drift', () => {
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: i.price * 2 }))), baseline)).toEqual([]);
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: null }))), [])).toEqual([]);
  });

  it('a field filled before and empty now (the selector lost its element)', () => {
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: null }))), baseline)).toEqual([['price', 'fillRate', '100%', '0%']]);
  });

  it('numbers before, text now', () => {
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: `${i.price} EUR` }))), baseline)).toEqual([['price', 'typeMix', 'number', 'string']]);
  });

  it('varied values before, one value for every item now (a page-wide element)', () => {
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: 99 }))), baseline)).toEqual([['price', 'distinct', '4+ values', '1 value']]);
  });

  it('numbers far outside the recent range (read in cents)', () => {
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: i.price * 100 }))), baseline)).toEqual([['price', 'numericRange', '10..41', '1000..4000']]);
  });

  it('a field whose spec changed (the fix) is not compared with runs that read it the old way', () => {
    const fixed = JobSpec.parse({ ...spec, fields: { ...spec.fields, price: { selector: '.cost', process: [{ op: 'number' }] } } });
    expect(checks(stats(goodItems.map((i) => ({ ...i, price: null })), fixed), baseline)).toEqual([]);
  });

  it('names the field\'s selector in the finding', () => {
    const [finding] = driftFindings(stats(goodItems.map((i) => ({ ...i, price: null }))), baseline);
    expect(finding).toMatchObject({ field: 'price', selector: '.price' });
    expect(finding!.message).toBe("price (.price): filled in 0% of items, at least 100% in the job's recent good runs");
  });
});
