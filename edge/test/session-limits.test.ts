import { describe, expect, it } from 'vitest';
import { browserMsOf, checkLimits } from '../src/browser-session/limits.ts';

const clock = { startedAt: 1000, budgetMs: 10_000, idleMs: 3000, lastActivityAt: 1000 };

describe('browser session limits', () => {
  it('waits for the nearer of the idle timeout and the budget', () => {
    expect(checkLimits(clock, 2000)).toEqual({ kind: 'wait', until: 4000 });
    expect(checkLimits({ ...clock, lastActivityAt: 9000 }, 9500)).toEqual({ kind: 'wait', until: 11_000 });
  });
  it('ends at the idle timeout, and at the budget however active the program is', () => {
    expect(checkLimits(clock, 4000)).toEqual({ kind: 'end', reason: 'idle' });
    expect(checkLimits({ ...clock, lastActivityAt: 10_999 }, 11_000)).toEqual({ kind: 'end', reason: 'budget' });
  });
  it('charges from the start to the end, or to now while running', () => {
    expect(browserMsOf(1000, 4500, 9999)).toBe(3500);
    expect(browserMsOf(1000, null, 2500)).toBe(1500);
  });
});
