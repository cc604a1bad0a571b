import { describe, expect, it } from 'vitest';
import { mayHandBack } from '../src/coordinator/hand-back.ts';

describe('direct hand-back of the next task with a result (ADR 0057)', () => {
  it('only while no other live node has a free slot', () => {
    // The reporting node alone, or the others full: the next task rides on the answer.
    expect(mayHandBack([{ id: 'a', free: 0 }], 'a')).toBe(true);
    expect(mayHandBack([{ id: 'a', free: 1 }, { id: 'b', free: 0 }], 'a')).toBe(true);
    expect(mayHandBack([], undefined)).toBe(true);
    // A node added mid-run (free slots by its first heartbeat): the task goes through the queue to it.
    expect(mayHandBack([{ id: 'a', free: 0 }, { id: 'new', free: 1 }], 'a')).toBe(false);
    // A result from a node the coordinator has no start for: any free node counts as another.
    expect(mayHandBack([{ id: 'a', free: 1 }], undefined)).toBe(false);
  });
});
