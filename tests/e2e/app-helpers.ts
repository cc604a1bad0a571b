/** Helpers for the web app's end-to-end tests: a person signing in, axe-core on a page, screenshots at two widths. */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'app-screenshots');

/** Signs in through Trawl's /auth/login and the dev provider's own form; returns the page where sign-in landed. */
export async function signIn(browser: Browser, login: string, start = '/auth/login'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (process.env.TRAWL_APP_DEBUG) {
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) console.log('nav', f.url()); });
    page.on('response', (r) => { if (r.status() >= 400) console.log('resp', r.status(), r.url()); });
    page.on('pageerror', (e) => console.log('pageerror', e.message));
  }
  await page.goto(`${inject('edgeUrl')}${start}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await Promise.all([page.waitForURL(`${inject('edgeUrl')}/app/**`, { timeout: 30_000 }), page.locator('button[type="submit"]').click()]);
  return { context, page };
}

/** A call to the API from inside the page, with the page's cookies and its CSRF token, as the app makes them. */
export async function pageApi(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return page.evaluate(async ({ method, path, body }) => {
    const csrf = /(?:^|;\s*)trawl_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
    const res = await fetch(path, { method, headers: { 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  }, { method, path, body });
}

/** axe-core (WCAG 2 A and AA rules) on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}

/** Full-page screenshots at desktop (1280) and phone (390) widths, kept in test-results/app-screenshots/. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS_DIR, `${name}-${width}.png`), fullPage: true });
    if (width === 390) await expectAccessible(page, `${name} at 390 px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Accessibility check and screenshots of the page as it stands. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshots(page, name);
}

/** The job editor's JSON view as text (CodeMirror draws only the lines in view, so read its document, not the DOM). */
export async function jsonText(page: Page): Promise<string> {
  await page.waitForFunction(() => '__trawlJsonEditor' in window, undefined, { timeout: 20_000 });
  return page.evaluate(() => (window as unknown as { __trawlJsonEditor: { view: { state: { doc: { toString(): string } } } } }).__trawlJsonEditor.view.state.doc.toString());
}

/**
 * Waits for a live view's first frame: the session needs a fleet node's browser, which a loaded machine may give late.
 * On failure, says what the live view shows instead (connecting, or why the session ended).
 */
export async function waitForLiveFrame(page: Page, timeout = 60_000): Promise<void> {
  await page.getByTestId('live-frame').waitFor({ timeout }).catch(async (e: unknown) => {
    console.log('LIVE VIEW', await page.getByTestId('live-browser').innerText().catch(() => '(none)'));
    throw e;
  });
}
