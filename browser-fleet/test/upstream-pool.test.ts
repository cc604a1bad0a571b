import { describe, expect, it } from 'vitest';
import type { TaskUpstream } from '@trawl/schemas';
import { UpstreamHealth, type LaneUpstreams } from '../src/egress/upstream-pool.ts';

const up = (id: string): TaskUpstream => ({ id, scheme: 'http', host: '198.51.100.1', port: 3128 });
const pool = [up('p0'), up('p1'), up('p2')];
const lane = (rotate: LaneUpstreams['rotate'], site = 'shop.example', runId = 'run_a'): LaneUpstreams => ({ rotate, upstreams: pool, runId, site });
const ids = (list: TaskUpstream[]) => list.map((p) => p.id);

/** The order a lane tries its upstream proxies in (ADR 0035): rotation per task or per site, failed ones last. */
describe('upstream proxy order', () => {
  it('per-task: each new task of a run starts at the next proxy, counted per run', () => {
    const h = new UpstreamHealth();
    expect([1, 2, 3, 4].map(() => ids(h.order(lane('per-task')))[0])).toEqual(['p0', 'p1', 'p2', 'p0']);
    expect(ids(h.order(lane('per-task', 'shop.example', 'run_b')))).toEqual(['p0', 'p1', 'p2']);
    expect(ids(h.order(lane('per-task')))).toEqual(['p1', 'p2', 'p0']);
  });

  it('sticky-per-site: every task of a site starts at the same proxy, on any node', () => {
    const first = ids(new UpstreamHealth().order(lane('sticky-per-site', 'a.example')));
    const h = new UpstreamHealth();
    for (let i = 0; i < 5; i++) expect(ids(h.order(lane('sticky-per-site', 'a.example')))).toEqual(first);
    const starts = new Set(['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'].map((s) => ids(h.order(lane('sticky-per-site', s)))[0]));
    expect(starts.size).toBeGreaterThan(1);
  });

  it('a proxy that failed lately comes last until its minute is over', () => {
    const h = new UpstreamHealth(60_000);
    h.markBad('p0', 1000);
    expect(ids(h.order(lane('sticky-per-site', 'x'), 2000)).at(-1)).toBe('p0');
    expect(ids(h.order(lane('per-task'), 2000))).toEqual(['p1', 'p2', 'p0']);
    expect(ids(h.order(lane('per-task'), 61_001))).toEqual(['p1', 'p2', 'p0']);
    expect(ids(h.order(lane('per-task'), 61_001))).toEqual(['p2', 'p0', 'p1']);
  });
});
