import NodeWebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { signIn } from './app-helpers.ts';

const wsBase = () => inject('edgeUrl').replace(/^http/, 'ws');

/** The status a WebSocket handshake to the view endpoint gets with these headers (101 when it opens), and the refusal's body. */
function handshake(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(`${wsBase()}/v1/browser/view`, { headers });
    ws.on('open', () => { ws.close(); resolve({ status: 101, body: '' }); });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', reject);
  });
}

/** Opens the view socket from inside a page (its origin, its cookies) and reports how it went. */
function openFromPage(page: Page, url: string, navigateTo: string): Promise<{ opened: boolean; code: number; navigated: string; frame: { width: number; height: number; jpeg: boolean } | null }> {
  return page.evaluate(({ url, navigateTo }) => new Promise((resolve) => {
    const ws = new WebSocket(url);
    const out = { opened: false, code: 0, navigated: '', frame: null as { width: number; height: number; jpeg: boolean } | null };
    ws.onopen = () => { out.opened = true; ws.send(JSON.stringify({ type: 'navigate', url: navigateTo })); };
    ws.onmessage = (e: MessageEvent<string>) => {
      const m = JSON.parse(e.data) as { type: string; url?: string; width?: number; height?: number; data?: string };
      if (m.type === 'navigated') out.navigated = m.url ?? '';
      if (m.type === 'frame') out.frame = { width: m.width ?? 0, height: m.height ?? 0, jpeg: (m.data ?? '').startsWith('/9j/') };
      if (out.frame && out.navigated) ws.close();
    };
    ws.onclose = (e) => { out.code = e.code; resolve(out); };
  }), { url, navigateTo });
}

/** Issue #13 §1: the app's live browser and the visual element picker (ADR 0043). */
describe('picker: live view and building a job by clicking', () => {
  let browser: Browser;
  let fleet: FleetNode;
  beforeAll(async () => {
    [browser, fleet] = await Promise.all([launchChromium(),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await Promise.all([fleet?.stop(), browser?.close()]); });

  it('opens a view session from the app\'s own pages only: frames and navigation there, cross-site WebSocket hijacking refused', async () => {
    const { context, page } = await signIn(browser, `picker-ws-${Date.now().toString(36)}`);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    // The cookie with another site's Origin, or none: refused before any browser is opened.
    for (const origin of ['https://evil.example', inject('fixtureUrl'), '']) {
      const res = await handshake({ cookie, ...(origin ? { origin } : {}) });
      expect(res.status, origin).toBe(403);
      expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    // A page of another origin on the same site (127.0.0.1, another port): the browser sends the cookie, the edge refuses.
    await page.goto(`${inject('fixtureUrl')}/picker/page-1`);
    const hijack = await openFromPage(page, `${wsBase()}/v1/browser/view`, `${inject('fixtureUrl')}/picker/page-1`);
    expect(hijack.opened).toBe(false);
    expect(hijack.code).toBe(1006);

    await page.goto(`${inject('edgeUrl')}/app/`);
    const own = await openFromPage(page, `${wsBase()}/v1/browser/view`, `${inject('fixtureUrl')}/picker/page-1`);
    expect(own.opened).toBe(true);
    expect(own.navigated).toBe(`${inject('fixtureUrl')}/picker/page-1`);
    expect(own.frame).toEqual({ width: 1280, height: 800, jpeg: true });
  });
});
