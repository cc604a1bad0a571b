import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchHealth, summarizeHealth } from '../src/components/health.ts';

describe('summarizeHealth', () => {
  it('shows nodes and free slots when the edge reports them', () => {
    expect(summarizeHealth({ ok: true, version: '0.1.0', fleet: { nodes: 2, freeSlots: 7 } })).toEqual({
      state: 'up',
      label: 'API up · 2 fleet nodes · 7 free slots',
      version: '0.1.0',
    });
  });

  it('uses the singular for one', () => {
    expect(summarizeHealth({ ok: true, fleet: { nodes: 1, freeSlots: 1 } }).label).toBe('API up · 1 fleet node · 1 free slot');
  });

  it('tolerates missing or mistyped fields', () => {
    expect(summarizeHealth({})).toEqual({ state: 'up', label: 'API up' });
    expect(summarizeHealth({ ok: true, fleet: null }).label).toBe('API up');
    expect(summarizeHealth({ ok: true, fleet: { nodes: '3', freeSlots: -1 } }).label).toBe('API up');
    expect(summarizeHealth({ fleet: { nodes: 0 } }).label).toBe('API up · 0 fleet nodes');
  });

  it('reports ok: false as degraded and non-objects as unreachable', () => {
    expect(summarizeHealth({ ok: false, fleet: { nodes: 0, freeSlots: 0 } })).toEqual({
      state: 'degraded',
      label: 'API degraded · 0 fleet nodes · 0 free slots',
    });
    expect(summarizeHealth(null).state).toBe('unreachable');
    expect(summarizeHealth('ok').label).toBe('API unreachable');
    expect(summarizeHealth([1, 2]).state).toBe('unreachable');
  });
});

describe('fetchHealth', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('treats an error status, a network failure and a non-JSON body as unreachable', async () => {
    vi.stubGlobal('fetch', async () => new Response('bad gateway', { status: 502 }));
    expect((await fetchHealth('/health', 1000)).label).toBe('API unreachable');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    expect((await fetchHealth('/health', 1000)).label).toBe('API unreachable');
    vi.stubGlobal('fetch', async () => new Response('<html>', { status: 200 }));
    expect((await fetchHealth('/health', 1000)).label).toBe('API unreachable');
  });

  it('summarizes a JSON answer', async () => {
    const body = JSON.stringify({ ok: true, version: '1', fleet: { nodes: 3, freeSlots: 12 } });
    vi.stubGlobal('fetch', async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
    expect((await fetchHealth('/health', 1000)).label).toBe('API up · 3 fleet nodes · 12 free slots');
  });
});
