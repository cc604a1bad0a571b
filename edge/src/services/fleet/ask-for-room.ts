/**
 * Asks nodes in turn until one takes the work, and while every node is busy waits for a slot (pauses of 250 ms
 * doubling to 1 s) until `waitMs` has passed. The node table's free counts are only a hint (lowered per offer until
 * the next heartbeat), so every live node is asked and its own slot count decides. `bad` ends it at once: a node that
 * answered with something else would answer the same again.
 */
export type Asked<T> = T | 'busy' | 'bad';

export interface Clock { now(): number; sleep(ms: number): Promise<void> }
const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export async function askForRoom<N, T>(nodes: () => Promise<readonly N[]>, ask: (node: N) => Promise<Asked<T>>, waitMs: number,
  clock: Clock = realClock): Promise<T | 'bad' | null> {
  const until = clock.now() + waitMs;
  for (let round = 0; ; round++) {
    for (const node of await nodes()) {
      const res = await ask(node);
      if (res !== 'busy') return res;
    }
    const pause = Math.min(1000, 250 * 2 ** round);
    if (clock.now() + pause >= until) return null;
    await clock.sleep(pause);
  }
}
