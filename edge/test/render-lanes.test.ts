import { describe, expect, it } from 'vitest';
import { FAST_FANOUT, SCAN_SLACK, laneRoom, pickByLane } from '../src/coordinator/render-lanes.ts';
import { RECHECK_EVERY, SAMPLE, type RenderChoice } from '../src/coordinator/render-choice.ts';
import { RenderLedger } from '../src/coordinator/render-ledger.ts';
import { JobSpec, taskSpecOf } from '@trawl/schemas';

const HTTP: RenderChoice = { mode: 'http', reason: 'fast-path' };
const BROWSER: RenderChoice = { mode: 'browser', reason: 'site-differs' };
const COMPARE: RenderChoice = { mode: 'compare', reason: 'recheck' };

describe('laneRoom', () => {
  const fast = new Set(['f1', 'f2', 'f3']);
  it('counts fast leases against the http lane (FAST_FANOUT x concurrency) and the rest against the browser lane', () => {
    expect(FAST_FANOUT).toBe(8);
    expect(laneRoom('auto', ['f1', 'f2', 'f3', 'b1'], 2, (l) => fast.has(l))).toEqual({ browser: 1, http: 13 });
    expect(laneRoom('http', [], 3, (l) => fast.has(l))).toEqual({ browser: 3, http: 24 });
    // More in flight than the lane allows (the setting changed): no room, never negative.
    expect(laneRoom('auto', ['b1', 'b2', 'b3', null], 2, (l) => fast.has(l))).toEqual({ browser: 0, http: 16 });
    expect(laneRoom('http', Array.from({ length: 9 }, (_, i) => `f${i}`), 1, () => true)).toEqual({ browser: 1, http: 0 });
  });
  it('gives a browser-only job no http lane, and counts every task in flight as a browser page', () => {
    expect(laneRoom('browser', ['f1', 'b1'], 4, (l) => fast.has(l))).toEqual({ browser: 2, http: 0 });
  });
});

describe('pickByLane', () => {
  const pick = (modes: RenderChoice[], room: { browser: number; http: number }) => {
    const committed: number[] = [];
    const picked = pickByLane(modes.map((_, i) => i), room, (i) => modes[i]!, (i) => committed.push(i));
    return { picked: picked.map((p) => `${p.task}:${p.render.mode}`), committed };
  };
  it('takes each candidate in order while its lane has room, skipping those of a full lane', () => {
    expect(pick([BROWSER, HTTP, BROWSER, COMPARE, HTTP, HTTP], { browser: 2, http: 2 }))
      .toEqual({ picked: ['0:browser', '1:http', '2:browser', '4:http'], committed: [0, 1, 2, 4] });
  });
  it('commits each pick before peeking the next (the recheck cadence sees it)', () => {
    let fastSoFar = 0;
    const out = pickByLane([0, 1, 2, 3], { browser: 1, http: 4 },
      () => (fastSoFar === 2 ? COMPARE : HTTP), (_, c) => { if (c.mode === 'http') fastSoFar++; });
    expect(out.map((p) => p.render.mode)).toEqual(['http', 'http', 'compare']);
  });
  it('looks at no more than the rooms plus SCAN_SLACK candidates', () => {
    let peeks = 0;
    const many = Array.from({ length: 500 }, (_, i) => i);
    pickByLane(many, { browser: 0, http: 3 }, () => { peeks++; return BROWSER; }, () => undefined);
    expect(peeks).toBe(3 + SCAN_SLACK);
  });
});

describe('RenderLedger recheck cadence', () => {
  it('rechecks every RECHECK_EVERY-th page after the sample, and goes back to the fast path after each recheck', () => {
    const n = new Map<string, number>();
    const ledger = new RenderLedger({ bump: (k, by = 1) => void n.set(k, (n.get(k) ?? 0) + by), counter: (k) => n.get(k) ?? 0 });
    const job = JobSpec.parse({ startUrls: ['https://shop.example/'], itemSelector: '.p', fields: { t: {} }, render: 'auto' });
    const spec = taskSpecOf(job);
    for (let i = 0; i < SAMPLE; i++) ledger.record('shop.example', { mode: 'browser', reason: 'identical', compared: 'identical' });
    const modes = Array.from({ length: 30 }, () => ledger.choose(job, spec, 'shop.example').mode);
    const compared = modes.flatMap((m, i) => (m === 'compare' ? [i] : []));
    expect(compared).toEqual([RECHECK_EVERY - 1, 2 * RECHECK_EVERY - 1, 3 * RECHECK_EVERY - 1]);
    expect(modes.filter((m) => m === 'http')).toHaveLength(27);
  });
});
