import { describe, expect, it } from 'vitest';
import type { RunEventInput } from '@trawl/schemas';
import { EventBatcher } from '../src/event-batcher.ts';
import type { EdgeAnswer } from '../src/edge-client.ts';

const event = (i: number): RunEventInput => ({ type: 'log', level: 'info', message: `event ${i}`, ts: i });

describe('EventBatcher', () => {
  it('drain hands back what was not sent, newest kept and at most 500, after the send in flight has landed', async () => {
    let release: (a: EdgeAnswer) => void = () => undefined;
    const sent: RunEventInput[][] = [];
    const batcher = new EventBatcher({
      send: (events) => {
        sent.push(events);
        return new Promise((resolve) => { release = resolve; });
      },
      onGone: () => undefined,
    });
    for (let i = 0; i < 50; i++) batcher.push(event(i)); // a full batch goes out at once
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toHaveLength(1);
    for (let i = 50; i < 560; i++) batcher.push(event(i)); // the buffer keeps its newest 500
    const draining = batcher.drain();
    release({ kind: 'retry', reason: 'HTTP 503' }); // the batch in flight failed and is put back in front
    const rest = await draining;
    expect(rest).toHaveLength(500);
    expect(rest.at(-1)?.message).toBe('event 559');
    expect(batcher.dropped).toBe(60); // 10 past the buffer's cap while the batch was out, 50 oldest at drain
    batcher.push(event(999));
    expect(await batcher.drain()).toEqual([]);
  });
});
