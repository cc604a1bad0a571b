import { describe, expect, it } from 'vitest';
import { askForRoom, type Asked, type Clock } from '../src/services/fleet/ask-for-room.ts';

/** The preview's wait for a slot (edge/src/services/preview/preview.ts): every node asked, then rounds until the wait is over. */
describe('askForRoom', () => {
  const nodes = ['a', 'b'] as const;
  /** A clock that moves only when slept on: the rounds are decided by the rule, not by the machine's load. */
  const virtualClock = () => {
    let t = 0;
    const slept: number[] = [];
    const clock: Clock = { now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
    return { clock, slept, at: () => t };
  };
  /** Nodes busy until virtual time `freeAt` (per node), then answering their name; every ask recorded. */
  const fleet = (freeAt: Record<string, number>, at: () => number) => {
    const asks: string[] = [];
    const ask = async (n: string): Promise<Asked<string>> => {
      asks.push(n);
      return at() >= freeAt[n]! ? `ran on ${n}` : 'busy';
    };
    return { asks, ask };
  };

  it('asks every node in order and takes the first with room, without waiting', async () => {
    const c = virtualClock();
    const f = fleet({ a: Infinity, b: 0 }, c.at);
    expect(await askForRoom(async () => nodes, f.ask, 8000, c.clock)).toBe('ran on b');
    expect(f.asks).toEqual(['a', 'b']);
    expect(c.slept).toEqual([]);
  });

  it('while every node is busy, waits 250 ms, then 500, and asks again: a slot freed within the wait is taken', async () => {
    const c = virtualClock();
    const f = fleet({ a: Infinity, b: 600 }, c.at);
    expect(await askForRoom(async () => nodes, f.ask, 8000, c.clock)).toBe('ran on b');
    // Rounds at 0, 250 and 750 ms: b is free from 600 ms on, so the third round takes it.
    expect(f.asks).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(c.slept).toEqual([250, 500]);
  });

  it('gives up (null: the caller answers FLEET_UNAVAILABLE) when no slot frees within the wait, never sleeping past it', async () => {
    const c = virtualClock();
    const f = fleet({ a: Infinity, b: Infinity }, c.at);
    expect(await askForRoom(async () => nodes, f.ask, 8000, c.clock)).toBe(null);
    // 250 + 500 + 1000 × 7 = 7750 ms; one more 1000 ms pause would end at 8750, past 8000, so it stops after the 10th round.
    expect(c.slept).toEqual([250, 500, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    expect(f.asks).toHaveLength(2 * 10);
  });

  it('a node answering badly ends it at once: no other node is asked', async () => {
    const asks: string[] = [];
    const res = await askForRoom(async () => nodes, async (n): Promise<Asked<string>> => { asks.push(n); return 'bad'; }, 8000, virtualClock().clock);
    expect(res).toBe('bad');
    expect(asks).toEqual(['a']);
  });

  it('reads the node list again each round: a node that registered during the wait is asked', async () => {
    let round = 0;
    const seen: string[] = [];
    const res = await askForRoom(async () => (round++ === 0 ? ['a'] : ['a', 'c']),
      async (n): Promise<Asked<string>> => { seen.push(n); return n === 'c' ? 'ran on c' : 'busy'; }, 8000, virtualClock().clock);
    expect(res).toBe('ran on c');
    expect(seen).toEqual(['a', 'a', 'c']);
  });
});
