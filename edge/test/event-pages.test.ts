import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { EVENT_PAGE_SIZE, eventsAfterAll, pageSizeOf } from '../src/coordinator/event-pages.ts';

/** An event table like the run's (store.ts), in a real SQLite, read with the store's query. */
function eventTable(n: number) {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO events (ts, body) VALUES (?, ?)');
  for (let i = 1; i <= n; i++) insert.run(i, JSON.stringify({ type: 'page.step', message: `step ${i}` }));
  const query = db.prepare('SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
  let reads = 0;
  const read = (after: number, limit: number) => {
    reads++;
    return (query.all(after, limit) as Array<{ seq: number; body: string }>).map((r) => ({ seq: Number(r.seq), ...(JSON.parse(r.body) as { message: string }) }));
  };
  return { read, reads: () => reads, append: (m: string) => insert.run(0, JSON.stringify({ type: 'log', message: m })) };
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
