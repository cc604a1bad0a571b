import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg } from './client.ts';

type Session = { id: string; status: string; endReason: string | null; browserMs: number; budgetMs: number; nodeId: string | null };
const wsBase = () => inject('edgeUrl').replace(/^http/, 'ws');

async function sessionsOf(key: string): Promise<Session[]> {
  const res = await api<{ data: Session[] }>(key, 'GET', '/v1/sessions');
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

async function waitEnded(key: string, id: string): Promise<Session> {
  for (let i = 0; i < 100; i++) {
    const s = (await sessionsOf(key)).find((x) => x.id === id);
    if (s?.status === 'ended') return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`session ${id} did not end`);
}

/** A raw CDP client over /v1/browser, for the calls Playwright would never send. */
async function rawCdp(key: string, query = '') {
  const ws = new WebSocket(`${wsBase()}/v1/browser${query}`, { headers: { authorization: `Bearer ${key}` } });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  let next = 1;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) => new Promise<{ result?: Record<string, unknown>; error?: { message: string } }>((resolve) => {
    const id = next++;
    const onMessage = (data: Buffer) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  });
  return { ws, send };
}

/** §4 remote browsers: programs drive a fleet browser through the edge, under the organization's policy and limits. */
describe('remote browsers for programs (/v1/browser)', () => {
  let a: Awaited<ReturnType<typeof newOrg>>;
  let b: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  beforeAll(async () => {
    [a, b, fleet] = await Promise.all([newOrg('BrowserA'), newOrg('BrowserB'),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await fleet?.stop(); });

  it('connectOverCDP (key in ?token=) navigates an allowed page, is refused a private address, and is listed with its cost to its organization only', async () => {
    const browser = await chromium.connectOverCDP(`${wsBase()}/v1/browser?token=${a.key}`, { timeout: 30_000 });
    const page = await (browser.contexts()[0] ?? await browser.newContext()).newPage();
    const ok = await page.goto(`${inject('fixtureUrl')}/detail-list`);
    expect(ok?.status()).toBe(200);
    expect(await page.title()).toBe('Details');
    // A context the program makes itself goes through the same lane.
    const own = await (await browser.newContext()).newPage();
    const metadata = await own.goto('http://169.254.169.254/latest/meta-data/');
    expect(metadata?.status()).toBe(403);
    expect(metadata?.headers()['x-trawl-egress']).toBe('blocked');
    // The node's own control port, on loopback: refused like any private address.
    const control = await page.goto(`${fleet.url}/health`);
    expect(control?.status()).toBe(403);
    expect(control?.headers()['x-trawl-egress']).toBe('blocked');

    const [live] = (await sessionsOf(a.key)).filter((s) => s.status === 'active');
    expect(live?.budgetMs).toBe(300_000);
    expect((await sessionsOf(b.key)).map((s) => s.id)).not.toContain(live!.id);
    const other = await api(b.key, 'DELETE', `/v1/sessions/${live!.id}`);
    expect(other.status, other.text).toBe(404);
    // The node's CDP endpoint opens only with the one-time secret the edge holds.
    const direct = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${fleet.url.replace(/^http/, 'ws')}/v1/sessions/${live!.id}/cdp`, { headers: { authorization: `Bearer ${b.key}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(0));
    });
    expect(direct).toBe(401);

    const gone = new Promise<void>((resolve) => browser.once('disconnected', () => resolve()));
    const del = await api<Session>(a.key, 'DELETE', `/v1/sessions/${live!.id}`);
    expect(del.status, del.text).toBe(200);
    expect(del.body.status).toBe('ended');
    expect(del.body.endReason).toBe('deleted');
    await gone;
    expect(del.body.browserMs).toBeGreaterThan(0);
    const audit = await api<{ data: Array<{ action: string; target: string }> }>(a.key, 'GET', '/v1/audit');
    expect(audit.body.data.filter((r) => r.target === live!.id).map((r) => r.action).toSorted()).toEqual(['session.delete', 'session.end', 'session.open']);
  });

  it('is cut at its time budget', async () => {
    const started = Date.now();
    const browser = await chromium.connectOverCDP(`${wsBase()}/v1/browser?budgetMs=4000`, { headers: { authorization: `Bearer ${a.key}` }, timeout: 30_000 });
    const page = await (browser.contexts()[0] ?? await browser.newContext()).newPage();
    // Busy until cut: the budget ends the session however active the program is.
    const cut = new Promise<number>((resolve) => browser.once('disconnected', () => resolve(Date.now())));
    const busy = (async () => {
      while (browser.isConnected()) await page.goto(`${inject('fixtureUrl')}/detail-list`).catch(() => null);
    })();
    const at = await cut;
    await busy;
    expect(at - started).toBeGreaterThanOrEqual(4000);
    const id = (await sessionsOf(a.key)).find((s) => s.budgetMs === 4000)!.id;
    const ended = await waitEnded(a.key, id);
    expect(ended.endReason).toBe('budget');
    expect(ended.browserMs).toBeGreaterThanOrEqual(4000);
  });

  it('refuses CDP calls that would reach past the session\'s browser, and ends at the idle timeout', async () => {
    const { ws, send } = await rawCdp(a.key, '?idleMs=5000');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const ownProxy = await send('Target.createBrowserContext', { proxyServer: 'direct://' });
    expect(ownProxy.error?.message).toMatch(/^Trawl: Target\.createBrowserContext: a context with its own proxy/);
    const file = await send('Target.createTarget', { url: 'file:///etc/passwd' });
    expect(file.error?.message).toMatch(/^Trawl: Target\.createTarget: only http\(s\) URLs/);
    const target = await send('Target.createTarget', { url: 'about:blank' });
    const targetId = String(target.result?.targetId);
    const attached = await send('Target.attachToTarget', { targetId, flatten: true });
    const sessionId = String(attached.result?.sessionId);
    const nav = await send('Page.navigate', { url: 'chrome://version' }, sessionId);
    expect(nav.error?.message).toMatch(/^Trawl: Page\.navigate: only http\(s\) URLs/);
    const nested = await send('Target.sendMessageToTarget', { targetId, message: JSON.stringify({ id: 1, method: 'Page.navigate', params: { url: 'file:///etc/passwd' } }) });
    expect(nested.error?.message).toMatch(/^Trawl: Target\.sendMessageToTarget/);
    // The page itself cannot go to file: either (Chromium refuses it for a page that is not a file: page).
    await send('Runtime.evaluate', { expression: 'location.href = "file:///etc/passwd"' }, sessionId);
    await new Promise((r) => setTimeout(r, 500));
    const where = await send('Runtime.evaluate', { expression: 'location.href + " " + document.body.innerText.includes("root:")', returnByValue: true }, sessionId);
    expect((where.result?.result as { value?: string } | undefined)?.value).toBe('about:blank false');
    const upload = await send('DOM.setFileInputFiles', { files: ['/etc/passwd'], backendNodeId: 1 }, sessionId);
    expect(upload.error?.message).toMatch(/^Trawl: DOM\.setFileInputFiles/);
    // Downloads: allowed as a call (Playwright sends it), but always denied.
    const downloads = await send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: '/tmp' });
    expect(downloads.error).toBeUndefined();
    const id = (await sessionsOf(a.key)).find((s) => s.status === 'active')!.id;
    // Then silence: the idle timeout ends it.
    expect(await closed).toBe(4002);
    expect((await waitEnded(a.key, id)).endReason).toBe('idle');
  });

  it('answers who may open one: no key 401, viewer 403, a plain GET 400', async () => {
    const status = (url: string, headers: Record<string, string> = {}) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); });
      ws.on('open', () => { resolve(101); ws.close(); });
      ws.on('error', reject);
    });
    expect(await status(`${wsBase()}/v1/browser`)).toBe(401);
    expect(await status(`${wsBase()}/v1/browser?token=trawl_sk_nope`)).toBe(401);
    const viewer = await api(a.key, 'POST', '/v1/keys', { kind: 'secret', name: 'v', role: 'viewer', scopes: ['*'] });
    expect(await status(`${wsBase()}/v1/browser?token=${String(viewer.body.key)}`)).toBe(403);
    expect((await api(a.key, 'GET', '/v1/browser')).status).toBe(400);
    expect((await api(a.key, 'GET', '/v1/browser?budgetMs=10')).status).toBe(400);
  });

  it('answers 503 FLEET_UNAVAILABLE when every browser slot is held, and a freed slot serves the next program', async () => {
    const held = [await rawCdp(a.key), await rawCdp(a.key)];
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${wsBase()}/v1/browser`, { headers: { authorization: `Bearer ${a.key}` } });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('open', () => { ws.close(); resolve({ status: 101, body: '' }); });
      ws.on('error', reject);
    });
    expect(refused.status).toBe(503);
    expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('FLEET_UNAVAILABLE');
    held[0]!.ws.close();
    const next = await rawCdp(a.key);
    expect((await next.send('Browser.getVersion')).result?.product).toMatch(/Chrome/);
    for (const s of [held[1]!, next]) s.ws.close();
  });
});
