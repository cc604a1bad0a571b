import NodeWebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { PICKER_RECORDS } from '@trawl/fixtures';
import { VIEW_VIEWPORT } from '@trawl/schemas';
import { expectAccessible, pageApi, screenshots, signIn, waitForLiveFrame } from './app-helpers.ts';

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

  it('builds a job for the fixture listing by clicking only in the editor, and its run gives the fixture\'s records exactly', async () => {
    const fixture = inject('fixtureUrl');
    // Where the fixture's elements are in a 1280×800 viewport, measured in a browser of the test's own.
    const probe = await browser.newPage({ viewport: VIEW_VIEWPORT });
    await probe.goto(`${fixture}/picker/page-1`);
    const at = async (selector: string) => {
      const b = (await probe.locator(selector).first().boundingBox())!;
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    };
    const spots = { name: await at('article h3'), price: await at('article .row span'), brand: await at('article dd'), detail: await at('article a'), next: await at('nav.pager a') };
    await probe.close();

    const { page } = await signIn(browser, `picker-${Date.now().toString(36)}`);
    await page.goto(`${inject('edgeUrl')}/app/jobs/edit/`);
    await page.locator('#job-name').fill('Picked by clicking');
    await page.getByLabel('Start URLs').fill(`${fixture}/picker/page-1`);
    await page.getByTestId('pick-open').click();
    await waitForLiveFrame(page);
    await page.waitForTimeout(300);
    const surface = page.getByTestId('live-surface');
    const click = async (kind: string, spot: { x: number; y: number }, found: string) => {
      // Each pick is answered (its candidates shown) before the next: "Found" alone may already read as expected.
      const before = await page.getByTestId('picked').innerText({ timeout: 100 }).catch(() => '');
      await page.getByTestId(`pick-${kind}`).click();
      await surface.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const box = (await surface.boundingBox())!;
      await page.mouse.move(box.x + spot.x * box.width / VIEW_VIEWPORT.width, box.y + spot.y * box.height / VIEW_VIEWPORT.height);
      await page.mouse.click(box.x + spot.x * box.width / VIEW_VIEWPORT.width, box.y + spot.y * box.height / VIEW_VIEWPORT.height);
      await expect.poll(() => page.getByTestId('picked').innerText({ timeout: 1000 }).catch(() => ''), { timeout: 30_000 }).not.toBe(before);
      await expect.poll(() => page.getByTestId('pick-found').textContent({ timeout: 1000 }).catch(() => null), { timeout: 30_000 }).toBe(found).catch(async (e: unknown) => {
        console.log('PICKER', await page.getByTestId('picker').innerText(), await page.getByTestId('live-url').inputValue());
        await page.screenshot({ path: '/tmp/picker-fail.png' });
        throw e;
      });
    };
    // Each pick is tested at once: 4 items of the 6 the item selector matches (the ad and the skeleton excluded).
    await click('field', spots.name, 'Found: 4 / 7');
    await click('field', spots.price, 'Found: 4 / 7');
    await click('field', spots.brand, 'Found: 4 / 7');
    await click('detail', spots.detail, 'Found: 4 / 7');
    await click('next', spots.next, `Found: 4 / 7 → ${fixture}/picker/page-2`);
    const firstRows = PICKER_RECORDS.slice(0, 4);
    // The preview runs on a fleet node after the last pick: seconds on a loaded machine, longer than the poll's default second.
    await expect.poll(() => page.getByTestId('pick-preview').locator('tbody tr').allTextContents(), { timeout: 30_000 })
      .toEqual(firstRows.map((r) => `${r.name}${r.price}${r.brand}${fixture}/picker/item/${r.sku}`));
    await expectAccessible(page, 'job editor with the picker');
    await screenshots(page, 'picker-editor');

    await page.getByTestId('save-run-button').click();
    await page.waitForURL(/\/app\/runs\/\?id=/, { timeout: 30_000 });
    const runId = new URL(page.url()).searchParams.get('id')!;
    // The run page loads meanwhile: a call cut short by it is asked again.
    await expect.poll(async () => String((await pageApi(page, 'GET', `/v1/runs/${runId}`).catch(() => ({ body: {} as Record<string, unknown> }))).body.status), { timeout: 90_000, interval: 500 }).toBe('succeeded');
    const jsonl = await page.evaluate(async (id) => (await fetch(`/v1/runs/${id}/results?format=jsonl`)).text(), runId);
    const rows = jsonl.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = PICKER_RECORDS.map((r) => ({ name: r.name, price: r.price, brand: r.brand, url: `${fixture}/picker/item/${r.sku}` }));
    expect(rows.sort((a, b) => String(a.url).localeCompare(String(b.url)))).toEqual(expected);
  });
});
