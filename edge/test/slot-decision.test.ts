import { describe, expect, it } from 'vitest';
import { WAITER_GRACE_MS, decideSlot, emptySlotState, releaseSlot, type SlotRequest, type SlotState } from '../src/rate-limit/slot-decision.ts';

const req = (org: string, token: string, extra: Partial<SlotRequest> = {}): SlotRequest => ({
  token, org, maxConcurrent: 2, orgMaxConcurrent: 2, minDelayMs: 0, orgMinDelayMs: 0, ttlMs: 60_000, ...extra,
});

const T0 = 1_800_000_000_000;

/** Applies requests in order at the given times; returns each answer and the final state. */
function play(steps: Array<[number, SlotRequest]>, start: SlotState = emptySlotState()) {
  let s = start;
  const answers = steps.map(([at, r]) => {
    const d = decideSlot(s, r, T0 + at, 0);
    s = d.state;
    return d.answer.granted ? 'granted' : d.answer.reason;
  });
  return { answers, state: s };
}

describe('slot decisions: one site shared fairly by every organization', () => {
  it('never grants more than the site limit, whoever asks, and each organization stays within its own cap', () => {
    const { answers, state } = play([[0, req('a', 'a1')], [1, req('b', 'b1')], [2, req('c', 'c1')], [3, req('a', 'a2')]]);
    expect(answers).toEqual(['granted', 'granted', 'busy', 'busy']);
    expect(state.holders.map((h) => h.token)).toEqual(['a1', 'b1']);
    const capped = play([[0, req('a', 'a1', { orgMaxConcurrent: 1 })], [1, req('a', 'a2', { orgMaxConcurrent: 1 })]]);
    expect(capped.answers).toEqual(['granted', 'busy']);
    // An organization cannot raise the site's limit with its own cap.
    expect(play([[0, req('a', 'a1', { orgMaxConcurrent: 9 })], [1, req('a', 'a2', { orgMaxConcurrent: 9 })], [2, req('a', 'a3', { orgMaxConcurrent: 9 })]]).answers)
      .toEqual(['granted', 'granted', 'busy']);
  });

  it('spaces starts for everyone by the shared delay, and an organization\'s own delay on top', () => {
    const { answers } = play([[0, req('a', 'a1', { minDelayMs: 1000 })], [500, req('b', 'b1', { minDelayMs: 1000 })], [1000, req('b', 'b1', { minDelayMs: 1000 })]]);
    expect(answers).toEqual(['granted', 'spacing', 'granted']);
    const own = play([[0, req('a', 'a1', { orgMinDelayMs: 3000 })], [1000, req('a', 'a2', { orgMinDelayMs: 3000 })], [3000, req('a', 'a2', { orgMinDelayMs: 3000 })]]);
    expect(own.answers).toEqual(['granted', 'spacing', 'granted']);
  });

  it('gives a freed slot to the waiting organization with the fewest slots, then the least recently served', () => {
    const limit1 = { maxConcurrent: 1 };
    let { state } = play([[0, req('a', 'a1', limit1)], [10, req('b', 'b1', limit1)], [20, req('c', 'c1', limit1)], [30, req('a', 'a2', limit1)]]);
    state = releaseSlot(state, 'a1');
    // a asks first again, but b and c are owed a turn before a's second page.
    const order = play([[100, req('a', 'a2', limit1)], [110, req('c', 'c1', limit1)], [120, req('b', 'b1', limit1)]], state);
    expect(order.answers).toEqual(['turn', 'turn', 'granted']);
    const next = play([[200, req('a', 'a2', limit1)], [210, req('c', 'c1', limit1)]], releaseSlot(order.state, 'b1'));
    expect(next.answers).toEqual(['turn', 'granted']);
  });

  it('an owed turn lapses when its organization stops asking, so the site is never left idle for it', () => {
    let { state } = play([[0, req('a', 'a1', { maxConcurrent: 1 })], [10, req('b', 'b1', { maxConcurrent: 1 })]]);
    state = releaseSlot(state, 'a1');
    const soon = play([[300, req('a', 'a2', { maxConcurrent: 1 })]], state);
    expect(soon.answers).toEqual(['turn']);
    const late = play([[10 + 1000 + WAITER_GRACE_MS + 1, req('a', 'a2', { maxConcurrent: 1 })]], state);
    expect(late.answers).toEqual(['granted']);
  });

  it('a slot whose holder died is free again when its lease runs out; a robots.txt crawl-delay spaces everyone', () => {
    const { state } = play([[0, req('a', 'a1', { maxConcurrent: 1, ttlMs: 5000 })]]);
    expect(play([[4999, req('b', 'b1', { maxConcurrent: 1 })]], state).answers).toEqual(['busy']);
    expect(play([[5000, req('b', 'b1', { maxConcurrent: 1 })]], state).answers).toEqual(['granted']);
    const crawl = play([[0, req('a', 'a1', { crawlDelayMs: 4000 })], [3000, req('b', 'b1')], [4000, req('b', 'b1')]]);
    expect(crawl.answers).toEqual(['granted', 'spacing', 'granted']);
  });
});
