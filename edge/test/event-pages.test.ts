import { describe, expect, it } from 'vitest';
import { EVENT_PAGE_SIZE, eventsAfterAll, pageSizeOf } from '../src/coordinator/event-pages.ts';

/** An event log read like the run's (store.ts: `seq > ? ORDER BY seq LIMIT ?`), counting its reads. */
function eventTable(n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({ seq: i + 1, message: `step ${i + 1}` }));
  let reads = 0;
  const read = (after: number, limit: number) => {
    reads++;
    return rows.filter((r) => r.seq > after).slice(0, limit);
  };
  return { read, reads: () => reads, append: (message: string) => rows.push({ seq: rows.length + 1, message }) };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a late subscriber pages through the whole event history', () => {
  it('12,345 events with the production page size: every one after the cursor, once, in order', () => {
    const t = eventTable(12_345);
    expect([...eventsAfterAll(t.read, 0)].map((e) => e.seq)).toEqual(range(1, 12_345));
    // Pages of 5,000: three reads, the last one short.
    expect(t.reads()).toBe(3);
    const fromCursor = [...eventsAfterAll(t.read, 7_000)];
    expect(fromCursor.map((e) => e.seq)).toEqual(range(7_001, 12_345));
    expect(fromCursor.at(-1)?.message).toBe('step 12345');
  });

  it('a history of exactly whole pages ends with one empty read; a cursor at the end yields nothing', () => {
    const t = eventTable(EVENT_PAGE_SIZE * 2);
    expect([...eventsAfterAll(t.read, 0)]).toHaveLength(10_000);
    expect(t.reads()).toBe(3);
    expect([...eventsAfterAll(t.read, 10_000)]).toEqual([]);
  });

  it('an event appended while the pages are read comes once, in place (small pages)', () => {
    const t = eventTable(95);
    const seen: number[] = [];
    for (const e of eventsAfterAll(t.read, 0, 10)) {
      seen.push(e.seq);
      if (e.seq === 50) t.append('live');
    }
    expect(seen).toEqual(range(1, 96));
  });

  it('the page size comes from EVENT_PAGE_SIZE within 1..5000, else the default', () => {
    expect(pageSizeOf({})).toBe(5000);
    expect(pageSizeOf({ EVENT_PAGE_SIZE: '40' })).toBe(40);
    expect(pageSizeOf({ EVENT_PAGE_SIZE: '0' })).toBe(5000);
    expect(pageSizeOf({ EVENT_PAGE_SIZE: '99999' })).toBe(5000);
  });
});
