import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEventInput } from '@trawl/schemas';
import type { BrowserPool } from '../src/pool.ts';
import { runPreview } from '../src/preview.ts';
import { runTask } from '../src/runner.ts';
import { makeTask } from './fixtures.ts';
import { startTestPool } from './test-pool.ts';

/** Prices a locale-less number step cannot read safely, next to ones it can; dates likewise. */
const ROWS: Array<[price: string, date: string, reviews: string]> = [
  ['$1,299.00', '2026-11-30', '(1,377)'],
  ['1.234', '03/04/2026', '12'],
  ['1.234', '30 Nov 2026', '5'],
  ['1,2 Mio.', '30 Nov 2026', '7'],
  ['', '30 Nov 2026', '9'],
];
const PAGE = `<!doctype html><html><body><ul>${ROWS.map(([p, d, r]) => `<li class="item"><span class="price">${p}</span>`
  + `<span class="date">${d}</span><div class="meta"><span class="reviews">${r}</span></div></li>`).join('')}</ul></body></html>`;

const SPEC = {
  itemSelector: 'li.item',
  fields: {
    price: { selector: '.price', process: [{ op: 'number' }] },
    date: { selector: '.date', process: [{ op: 'date' }] },
    meta: { selector: '.meta', fields: { reviews: { selector: '.reviews', process: [{ op: 'number' }] } } },
  },
  pagination: undefined,
};

let pool: BrowserPool;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  pool = await startTestPool();
});
afterAll(async () => {
  await Promise.all([pool?.close(), new Promise((r) => server?.close(r))]);
});

describe('values the number and date steps leave null are reported, not guessed', () => {
  it('lists each field, step and reason with a count and the first raw value, in the result and the event', async () => {
    const events: RunEventInput[] = [];
    const result = await runTask(makeTask(url, {}, SPEC), pool, { nodeId: 'nod_test', onEvent: (e) => events.push(e) });
    expect(result.outcome).toBe('succeeded');
    expect(result.items.map((it) => it.price)).toEqual([1299, null, null, null, null]);
    expect(result.items.map((it) => it.date)).toEqual(['2026-11-30', null, '2026-11-30', '2026-11-30', '2026-11-30']);
    // In the order first seen: row 1's nested review count, then row 2's price and date, then row 4's price.
    const unparsed = [
      { field: 'meta.reviews', step: 'number', reason: 'ambiguous', count: 1, example: '(1,377)' },
      { field: 'price', step: 'number', reason: 'ambiguous', count: 2, example: '1.234' },
      { field: 'date', step: 'date', reason: 'ambiguous', count: 1, example: '03/04/2026' },
      { field: 'price', step: 'number', reason: 'scale', count: 1, example: '1,2 Mio.' },
    ];
    expect(result.unparsed).toEqual(unparsed);
    expect(events.find((e) => e.type === 'items.extracted')?.data?.unparsed).toEqual(unparsed);
  });

  it('turns them into preview warnings naming the field, the step, an example and the fix', async () => {
    const preview = await runPreview(makeTask(url, {}, SPEC), { pool, nodeId: 'nod_test' }, false);
    expect(preview.warnings).toEqual([
      'price empty in 4 of 5 items',
      'date empty in 1 of 5 items',
      'meta.reviews: 1 value left null by number (reads two ways without a locale), e.g. "(1,377)"; set "locale" (or "decimal") on the step',
      'price: 2 values left null by number (reads two ways without a locale), e.g. "1.234"; set "locale" (or "decimal") on the step',
      'date: 1 value left null by date (reads two ways without a locale), e.g. "03/04/2026"; set "locale" or "formats" on the step',
      'price: 1 value left null by number (has a scale word), e.g. "1,2 Mio."; set "units": true to read scale words',
    ]);
  });

  it('reads them all once the step is told the locale and the scale words', async () => {
    const fields = {
      price: { selector: '.price', process: [{ op: 'number', locale: 'en-US', units: true }] },
      date: { selector: '.date', process: [{ op: 'date', locale: 'en-US' }] },
    };
    const result = await runTask(makeTask(url, {}, { ...SPEC, fields }), pool, { nodeId: 'nod_test' });
    expect(result.items.map((it) => it.price)).toEqual([1299, 1.234, 1.234, null, null]);
    expect(result.items.map((it) => it.date)).toEqual(['2026-11-30', '2026-03-04', '2026-11-30', '2026-11-30', '2026-11-30']);
    // "1,2 Mio." is not how en-US writes 1.2 million: still null and reported, never 12 million.
    expect(result.unparsed).toEqual([{ field: 'price', step: 'number', reason: 'unreadable', count: 1, example: '1,2 Mio.' }]);
  });
});
