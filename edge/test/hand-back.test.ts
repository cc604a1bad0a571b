import { describe, expect, it } from 'vitest';
import { mayHandBack } from '../src/coordinator/hand-back.ts';

describe('direct hand-back of the next task with a result (ADR 0057)', () => {
  it('only while no other live node has more free slots than the reporting one', () => {
    // The reporting node alone, or the others no roomier: the next task rides on the answer.
    expect(mayHandBack([{ id: 'a', free: 0 }], 'a')).toBe(true);
    expect(mayHandBack([{ id: 'a', free: 1 }, { id: 'b', free: 0 }], 'a')).toBe(true);
    expect(mayHandBack([{ id: 'a', free: 3 }, { id: 'b', free: 3 }], 'a')).toBe(true);
    expect(mayHandBack([], undefined)).toBe(true);
    // A node added mid-run (its free slots by its first heartbeat) while the reporting one was full: to the queue.
    expect(mayHandBack([{ id: 'a', free: 0 }, { id: 'new', free: 1 }], 'a')).toBe(false);
    expect(mayHandBack([{ id: 'a', free: 1 }, { id: 'new', free: 4 }], 'a')).toBe(false);
    // A result from a node the table does not know (stale, pruned): it counts as full.
    expect(mayHandBack([{ id: 'b', free: 1 }], 'gone')).toBe(false);
    expect(mayHandBack([{ id: 'b', free: 0 }], undefined)).toBe(true);
  });
});
