import { describe, expect, it } from 'vitest';
import type { TaskResult } from '@trawl/schemas';
import { handBackAsks, pairNext } from '../src/coordinator/result-batch.ts';
import { groupBySite, siteOf } from '../src/coordinator/politeness.ts';

const result = (acceptNext: boolean): TaskResult => ({ leaseToken: 'l', attempt: 1, nodeId: 'n', outcome: 'succeeded', items: [], discovered: [], timings: { totalMs: 1 }, ...(acceptNext ? { acceptNext } : {}) });

describe('a batch of results (ADR 0061)', () => {
  it('asks a task back only for entries applied now whose node has room', () => {
    const entries = ['a', 'b', 'c', 'd', 'e'].map((taskId, i) => ({ taskId, result: result(i !== 1) }));
    expect(handBackAsks(entries, ['applied', 'applied', 'duplicate', 'lease-lost', 'applied'])).toEqual([0, 4]);
  });

  it('gives the handed-back tasks one each to the asking entries, in order; the rest get none', () => {
    const answers = (['applied', 'applied', 'applied', 'duplicate'] as const).map((status, i) => ({ taskId: `t${i}`, status }));
    expect(pairNext(answers, [0, 2, 3], ['n1', 'n2'])).toEqual([
      { taskId: 't0', status: 'applied', next: 'n1' },
      { taskId: 't1', status: 'applied' },
      { taskId: 't2', status: 'applied', next: 'n2' },
      { taskId: 't3', status: 'duplicate' },
    ]);
    expect(pairNext(answers, [], ['n1'])).toEqual(answers);
  });
});

describe('politeness slots of a batch (ADR 0061)', () => {
  it('groups the wants by site, each group in order, so each limiter gets one call', () => {
    const wants = ['https://a.example.com/1', 'https://b.example.org/1', 'https://shop.a.example.com/2', 'https://b.example.org/2']
      .map((url, i) => ({ url, token: `l${i}` }));
    expect([...groupBySite(wants, (w) => siteOf(w.url))].map(([site, ws]) => [site, ws.map((w) => w.token)]))
      .toEqual([['example.com', ['l0', 'l2']], ['example.org', ['l1', 'l3']]]);
  });
});
