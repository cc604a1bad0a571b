import { describe, expect, it } from 'vitest';
import { MAX_NODE_LOSSES, NODE_LOSS_PAUSE_MS, decideAfterNodeLoss, expiryOf, lossMessage, reportsNodeLoss, startedElsewhere } from '../src/coordinator/node-loss.ts';

const task = { url: 'http://a/1', attempt: 2 };

describe('node loss on its own budget (ADR 0048)', () => {
  it('a lost node sends the task back to pending, shortly, up to the budget; the last loss fails it with NODE_LOST', () => {
    expect(MAX_NODE_LOSSES).toBe(3);
    expect(decideAfterNodeLoss(task, 0, 'gone', 1000)).toEqual({ status: 'pending', losses: 1, notBefore: 1000 + NODE_LOSS_PAUSE_MS });
    expect(decideAfterNodeLoss(task, 1, 'gone', 1000)).toEqual({ status: 'pending', losses: 2, notBefore: 1000 + NODE_LOSS_PAUSE_MS });
    expect(decideAfterNodeLoss(task, 2, 'lease expired', 1000)).toEqual({
      status: 'failed', losses: 3,
      failure: { code: 'NODE_LOST', message: 'The task lost its fleet node 3 times (last: lease expired)', url: 'http://a/1', attempt: 2 },
    });
  });

  it('only NODE_LOST in a result is a node loss; a page failure is the retry policy\'s', () => {
    expect(reportsNodeLoss({ code: 'NODE_LOST' })).toBe(true);
    expect(reportsNodeLoss({ code: 'FLEET_UNAVAILABLE' })).toBe(false);
    expect(reportsNodeLoss({ code: 'HTTP_5XX' })).toBe(false);
  });

  it('an expired lease says whether the task never started or its node went quiet', () => {
    expect(expiryOf('queued')).toEqual({ kind: 'dispatch', reason: 'lease expired: no fleet node started the task in time' });
    expect(expiryOf('running')).toEqual({ kind: 'node', reason: 'lease expired: its fleet node stopped renewing the lease' });
    expect(lossMessage('gone', { status: 'pending', losses: 1, notBefore: 0 }))
      .toBe('Fleet node lost (gone); dispatching again in 500 ms (node loss 1 of 3; no attempt of the retry policy spent)');
  });

  it('a lease runs on one node: a second node starting it (a task delivered twice) is refused, the same node again is not (ADR 0066)', () => {
    expect(startedElsewhere(undefined, 'node-a')).toBe(false);
    expect(startedElsewhere('node-a', 'node-a')).toBe(false);
    expect(startedElsewhere('node-a', 'node-b')).toBe(true);
  });
});
