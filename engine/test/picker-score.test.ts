import { describe, expect, it } from 'vitest';
import { isUnstableClass, scoreCandidates, stabilityOf, type FieldCandidate } from '../src/picker/index.ts';

const cand = (kind: FieldCandidate['kind'], selector?: string, label?: string): FieldCandidate =>
  ({ kind, field: { ...(selector ? { selector } : {}), ...(label ? { label } : {}), source: 'text' }, sample: null });
const item = (matches: number, value: string | null) => ({ matches, value });

describe('picker robustness score (ADR 0043)', () => {
  it('tells generated and utility classes from meaningful ones', () => {
    for (const c of ['ProductCard_name__q64u', 'css-1q2w3e', 'sc-bdVaJa', 'jsx-2231', 'link-z64u', 'p-4', 'flex', 'text-lg', 'shadow', 'mt-2']) expect(isUnstableClass(c), c).toBe(true);
    for (const c of ['price', 'product', 'meta', 'skeleton', 'ad', 'btn-primary', 'item-title', 'pager']) expect(isUnstableClass(c), c).toBe(false);
    expect(stabilityOf('h3.ProductCard_name__q64u')).toBe(0);
    expect(stabilityOf('div.row > span:nth-of-type(2)')).toBe(0.5);
    expect(stabilityOf('./div[2]/span')).toBe(0.5);
    expect(stabilityOf('dl.meta > dd')).toBe(1);
  });

  it('ranks by fill across pages, then uniqueness in the item, then stability', () => {
    const c = [cand('xpath', './div[1]/span'), cand('css', 'span.css-k2a'), cand('css', 'div.row > span'), cand('css', 'span'), cand('label', undefined, '브랜드')];
    const runs = [
      // Fills both pages, one match each, positional.
      [{ perItem: [item(1, '$1'), item(1, '$2')] }, { perItem: [item(1, '$3')] }],
      // Hashed class: only the first page's build had it.
      [{ perItem: [item(1, '$1'), item(1, '$2')] }, { perItem: [item(0, null)] }],
      [{ perItem: [item(1, '$1'), item(1, '$2')] }, { perItem: [item(1, '$3')] }],
      // Matches two spans per item.
      [{ perItem: [item(2, '$1'), item(2, '$2')] }, { perItem: [item(2, '$3')] }],
      [{ perItem: [item(1, 'Lumo'), item(0, null)] }, { perItem: [item(1, 'Clara')] }],
    ];
    const s = scoreCandidates(c, runs);
    expect(s.map((x) => [x.field.selector ?? x.field.label, x.fill, x.unique, x.stable, x.score])).toEqual([
      ['div.row > span', 1, 1, 1, 1],
      ['./div[1]/span', 1, 1, 0.5, 0.9],
      ['span', 1, 0, 1, 0.7],
      ['브랜드', 0.667, 1, 1, 0.833],
      ['span.css-k2a', 0.667, 1, 0, 0.633],
    ].sort((a, b) => Number(b[4]) - Number(a[4])));
  });
});
