import { describe, expect, it } from 'vitest';
import { FillCounter, baselineWarnings, previewWarnings, type RunShape } from '../src/coordinator/baseline.ts';

const shape = (items: number, fillRates: Record<string, number> = {}): RunShape => ({ items, fillRates });

describe('warnings against the previous successful run', () => {
  it.each([
    ['no previous run', shape(1, { price: 0 }), null, []],
    ['previous run too small to compare', shape(0), shape(2, { price: 1 }), []],
    ['same size, same rates', shape(10, { price: 1 }), shape(10, { price: 1 }), []],
    ['half the items is still fine', shape(5, { price: 1 }), shape(10, { price: 1 }), []],
    ['under half the items', shape(4, { price: 1 }), shape(10, { price: 1 }), [{ code: 'FEWER_ITEMS', count: 4, previous: 10 }]],
    ['no items at all: fewer, no rates compared', shape(0), shape(10, { price: 1 }), [{ code: 'FEWER_ITEMS', count: 0, previous: 10 }]],
    ['a drop under 30 points', shape(10, { price: 0.75 }), shape(10, { price: 1 }), []],
    ['a drop of 30 points or more', shape(10, { price: 0.5, name: 1 }), shape(10, { price: 0.9, name: 1 }),
      [{ code: 'FILL_RATE_DROP', field: 'price', rate: 0.5, previous: 0.9 }]],
    ['a field new in this run is not compared', shape(10, { price: 1, colour: 0 }), shape(10, { price: 1 }), []],
  ])('%s', (_name, current, previous, expected) => {
    expect(baselineWarnings(current, previous).map(({ message: _m, ...rest }) => rest)).toEqual(expected);
  });

  it('fill rates count present values only', () => {
    const c = new FillCounter(['name', 'price', 'tags']);
    for (const item of [{ name: 'a', price: 1, tags: ['x'] }, { name: '', price: null, tags: [] }, { name: 'c', price: 0 }]) c.add(item);
    expect(c.rates()).toEqual({ name: 0.667, price: 0.667, tags: 0.333 });
    expect(new FillCounter(['name']).rates()).toEqual({});
  });
});

describe('warnings against the job\'s last preview (items per listing page)', () => {
  it.each([
    ['no preview', shape(5, { price: 1 }), 1, null, []],
    ['no listing page succeeded', shape(0), 0, shape(25, { price: 1 }), []],
    ['as many per page as the preview', shape(50, { price: 1 }), 2, shape(25, { price: 1 }), []],
    ['a fifth per page: fewer than the preview', shape(10, { price: 1 }), 2, shape(25, { price: 1 }),
      [{ code: 'FEWER_ITEMS', count: 5, previous: 25, reason: 'preview' }]],
    ['prices mostly gone since the preview', shape(25, { price: 0.2 }), 1, shape(25, { price: 1 }),
      [{ code: 'FILL_RATE_DROP', field: 'price', rate: 0.2, previous: 1, reason: 'preview' }]],
  ])('%s', (_name, current, pages, preview, expected) => {
    expect(previewWarnings(current, pages, preview).map(({ message: _m, ...rest }) => rest)).toEqual(expected);
  });
});
