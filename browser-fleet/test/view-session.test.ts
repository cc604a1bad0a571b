import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PICKER_PAGE_SIZE, PICKER_RECORDS, startFixtureSite, type FixtureSite } from '@trawl/fixtures';
import { VIEW_VIEWPORT, fleetPaths, signRequest, type ViewServerMessage } from '@trawl/schemas';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import type { BrowserPool } from '../src/pool.ts';
import { startFleetNode, type FleetNode } from '../src/server.ts';
import { startTestPool } from './test-pool.ts';

const SECRET = 'test-secret-0123456789abcdef';
let pool: BrowserPool;
let node: FleetNode;
let site: FixtureSite;

beforeAll(async () => {
  [pool, site] = await Promise.all([startTestPool(), startFixtureSite()]);
  node = await startFleetNode(loadConfig({ FLEET_SECRET: SECRET, FLEET_PORT: '0', FLEET_SLOTS: '2', FLEET_WARM_CONTEXTS: '0', FLEET_EGRESS_ALLOW: new URL(site.url).host }), { log: silentLogger, pool });
});
afterAll(async () => {
  await node?.close();
  await Promise.all([pool?.close(), site?.close()]);
});

async function open(sessionId: string, mode: 'cdp' | 'view'): Promise<string> {
  const text = JSON.stringify({ sessionId, orgId: 'org_a', policy: { allowDomains: [], denyDomains: [] }, deadline: Date.now() + 60_000, mode });
  const res = await fetch(`${node.url}${fleetPaths.sessions}`, { method: 'POST', headers: { 'content-type': 'application/json', ...await signRequest(SECRET, 'POST', fleetPaths.sessions, text) }, body: text });
  expect(res.status).toBe(201);
  return ((await res.json()) as { secret: string }).secret;
}

function attach(path: string, secret: string): Promise<{ status: number; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${node.url.replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.on('error', reject);
  });
}

/** Sends a message and waits for the first answer `want` accepts. */
function ask<T>(ws: WebSocket, msg: unknown, want: (m: ViewServerMessage) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const on = (d: Buffer) => {
      const v = want(JSON.parse(String(d)) as ViewServerMessage);
      if (v !== undefined) { ws.off('message', on); resolve(v); }
    };
    ws.on('message', on);
    ws.send(JSON.stringify(msg));
  });
}

/** Where an element of the fixture page is, at the view's viewport: measured in a browser of the test's own. */
async function centreOf(path: string, selector: string): Promise<{ x: number; y: number }> {
  const ctx = await pool.newContext({});
  const page = await ctx.newPage();
  await page.setViewportSize(VIEW_VIEWPORT);
  await page.goto(`${site.url}${path}`);
  const box = (await page.locator(selector).first().boundingBox())!;
  await ctx.close();
  return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
}

/** The node's view sessions (ADR 0043): JSON view protocol on the session's own browser, and the picker on it. */
describe('fleet node view sessions and the picker', () => {
  it('opens a view session only on its view path, and picks fields that generalise to the fixture\'s items', async () => {
    const cdpSecret = await open('brs_cdp', 'cdp');
    expect((await attach(fleetPaths.sessionView('brs_cdp'), cdpSecret)).status).toBe(401);
    const secret = await open('brs_view', 'view');
    expect((await attach(fleetPaths.sessionCdp('brs_view'), secret)).status).toBe(401);
    const { status, ws } = await attach(fleetPaths.sessionView('brs_view'), secret);
    expect(status).toBe(101);

    const page1 = `${site.url}/picker/page-1`;
    expect(await ask(ws, { type: 'navigate', url: 'file:///etc/passwd' }, (m) => (m.type === 'error' ? m.message : undefined))).toBe('only http(s) URLs can be opened');
    expect(await ask(ws, { type: 'navigate', url: page1 }, (m) => (m.type === 'navigated' ? m.url : undefined))).toBe(page1);

    const pick = async (id: number, selector: string, kind: string) => ask(ws, { type: 'pick', id, kind, ...await centreOf('/picker/page-1', selector), samples: [`${site.url}/picker/page-2`] },
      (m) => (m.type === 'picked' && m.id === id ? m.result as { name: string; item: { itemSelector: string; itemExclude: string | null; count: number; excluded: Array<{ reason: string }> } | null; scored: Array<{ field: Record<string, string>; fill: number; unique: number; stable: number }> } : undefined));
    const name = await pick(1, 'article h3', 'field');
    expect(name.item).toMatchObject({ itemSelector: 'article', itemExclude: '.ad, .skeleton', count: PICKER_PAGE_SIZE });
    expect(name.item!.excluded.map((e) => e.reason).sort()).toEqual(['different', 'empty', 'hidden']);
    expect(name.name).toBe('name');
    expect(name.scored[0]).toMatchObject({ field: { selector: 'h3', source: 'text' }, fill: 1, unique: 1, stable: 1 });
    const price = await pick(2, 'article .row span', 'field');
    expect(price.name).toBe('price');
    expect(price.scored[0]).toMatchObject({ field: { selector: 'span' }, fill: 1, unique: 1, stable: 1 });
    const brand = await pick(3, 'article dd', 'field');
    expect(brand.name).toBe('brand');
    expect(brand.scored.map((s) => s.field.selector ?? `label:${s.field.label}`)).toContain('label:브랜드');
    const link = await pick(4, 'article a', 'detail');
    expect([link.name, link.scored[0]?.field]).toEqual(['url', { selector: 'a', source: 'attr', attr: 'href' }]);

    const spec = { itemSelector: 'article', itemExclude: '.ad, .skeleton', pagination: { type: 'nextLink', selector: 'text="Next ›"' },
      fields: { name: { selector: 'h3' }, price: { selector: 'span' }, brand: { label: '브랜드' } } };
    const tested = await ask(ws, { type: 'test', id: 5, spec }, (m) => (m.type === 'tested' ? m.result as { items: unknown[]; nextUrl: string } : undefined));
    expect(tested.items).toEqual(PICKER_RECORDS.slice(0, PICKER_PAGE_SIZE).map(({ name, price, brand }) => ({ name, price, brand })));
    expect(tested.nextUrl).toBe(`${site.url}/picker/page-2`);
    ws.close();
  });
});
