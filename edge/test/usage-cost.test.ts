import { describe, expect, it } from 'vitest';
import { addFigures, emptyFigures, estimateCost } from '../src/services/usage/cost.ts';

const prices = { perRun: 0.01, perPage: 0.002, perBrowserHour: 0.5, perGbMonth: 0.02, currency: 'EUR' };

describe('usage cost (ADR 0047)', () => {
  it('prices each line at the operator\'s unit prices and sums them', () => {
    const f = { runs: 3, pages: 120, browserSeconds: 7200, bytesStored: 2_500_000_000 };
    expect(estimateCost(f, prices)).toEqual({ currency: 'EUR', runs: 0.03, pages: 0.24, browser: 1, storage: 0.05, total: 1.32 });
  });

  it('rounds to 1/10 000 and costs nothing at zero prices', () => {
    expect(estimateCost({ runs: 0, pages: 1, browserSeconds: 1, bytesStored: 1 }, prices)).toEqual({ currency: 'EUR', runs: 0, pages: 0.002, browser: 0.0001, storage: 0, total: 0.0021 });
    expect(estimateCost({ runs: 9, pages: 9, browserSeconds: 9, bytesStored: 9 }, { perRun: 0, perPage: 0, perBrowserHour: 0, perGbMonth: 0, currency: 'USD' }).total).toBe(0);
  });

  it('adds figures field by field', () => {
    expect(addFigures(addFigures(emptyFigures(), { runs: 1, pages: 3 }), { browserSeconds: 2.5, bytesStored: 10 })).toEqual({ runs: 1, pages: 3, browserSeconds: 2.5, bytesStored: 10 });
  });
});
