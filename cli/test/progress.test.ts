import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@trawl/sdk';
import { emptyTally, tally } from '../src/progress.ts';

const ev = (seq: number, type: string, extra: Partial<RunEvent> = {}): RunEvent => ({ seq, ts: seq, type, level: 'info', message: '', ...extra });

describe('the run tally drawn by trawl run', () => {
  it('counts distinct pages started, pages done, items, retries and errors from the events', () => {
    const events = [
      ev(1, 'run.started'), ev(2, 'task.started', { taskId: 't1' }), ev(3, 'items.extracted', { data: { count: 20 } }),
      ev(4, 'task.retrying', { taskId: 't1' }), ev(5, 'task.started', { taskId: 't1' }), ev(6, 'task.succeeded', { taskId: 't1' }),
      ev(7, 'task.started', { taskId: 't2' }), ev(8, 'task.failed', { taskId: 't2' }), ev(9, 'items.extracted', { data: {} }),
    ];
    const t = events.reduce(tally, emptyTally());
    expect({ pages: t.pagesSeen.size, done: t.pagesDone, items: t.items, retries: t.retries, errors: t.errors })
      .toEqual({ pages: 2, done: 2, items: 20, retries: 1, errors: 1 });
  });
});
