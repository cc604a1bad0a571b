import { describe, expect, it } from 'vitest';
import { lostSessionEnd } from '../src/browser-session/sweep.ts';

describe('the sweep of browser sessions whose object was lost', () => {
  it('charges a lost session up to now while within its budget', () => {
    expect(lostSessionEnd({ startedAt: 1000, budgetMs: 300_000 }, 91_000)).toEqual({ endedAt: 91_000, browserMs: 90_000 });
  });
  it('charges no more than its budget, however long the row sat open (the node ended the browser at its deadline)', () => {
    expect(lostSessionEnd({ startedAt: 1000, budgetMs: 300_000 }, 86_400_000)).toEqual({ endedAt: 301_000, browserMs: 300_000 });
  });
});
