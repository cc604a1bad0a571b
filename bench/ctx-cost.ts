/**
 * What a fresh BrowserContext costs in Chromium, per page of the shared fixture: a reused page, a new page in one
 * context, a new context alone, and a new context with one page load, in two rounds.
 *   N=30 node --import tsx bench/ctx-cost.ts                                          (full Chromium)
 *   N=30 CHROMIUM_PATH=/usr/bin/chromium-headless-shell node --import tsx bench/ctx-cost.ts
 * Measured here (2 cores, Chromium 156, Chromium CPU ms per page, second round): full Chromium: reused page 160,
 * new page 315, new context without navigation 401, new context + load 837. Headless shell: 105, 199, 76, 190.
 * Full Chromium's headless mode builds a browser window (and its tab-strip WebUI renderer) per new context; the
 * shell does not. This is why the fleet launches the shell (browser-fleet/src/chromium-path.ts).
 */
import { chromium } from 'playwright-core';
import { launchChromium } from '../browser-fleet/src/chromium-process.ts';
import { startFixture } from './lib/fixture.ts';
import { treeCpuSeconds } from './lib/cpu.ts';
const N = Number(process.env.N ?? 30);
const fixture = await startFixture({ pages: N });
const proc = await launchChromium(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
const browser = await chromium.connectOverCDP(proc.wsEndpoint);
const urls = fixture.urls('static');
const cpu = () => treeCpuSeconds(proc.pid);
async function measure(name: string, fn: (url: string) => Promise<void>) {
  await fn(urls[0]!);
  const c0 = cpu(); const t0 = performance.now();
  for (const u of urls) await fn(u);
  console.log(name.padEnd(40), 'ms/page', ((performance.now() - t0) / urls.length).toFixed(0), 'chromium cpu ms/page', ((cpu() - c0) * 1000 / urls.length).toFixed(0));
}
const shared = await browser.newContext(); const sharedPage = await shared.newPage();
const block = async (p: import('playwright-core').Page) => { const s = await p.context().newCDPSession(p); await s.send('Network.enable'); await s.send('Network.setBlockedURLs', { urls: ['*.png', '*.jpg', '*.woff2', '*.woff', '*.svg', '*.webp'] }); };
await block(sharedPage);
for (let round = 0; round < 2; round++) {
  await measure('reused page, goto dcl', async (u) => { await sharedPage.goto(u, { waitUntil: 'domcontentloaded' }); await sharedPage.$$eval('article.product', (e) => e.length); });
  await measure('new page same ctx', async (u) => { const p = await shared.newPage(); await block(p); await p.goto(u, { waitUntil: 'domcontentloaded' }); await p.$$eval('article.product', (e) => e.length); await p.close(); });
  await measure('new ctx, no nav', async () => { const c = await browser.newContext(); await c.newPage(); await c.close(); });
  await measure('new ctx, about:blank only', async () => { const c = await browser.newContext(); const p = await c.newPage(); await p.goto('about:blank'); await c.close(); });
  await measure('new ctx + goto dcl', async (u) => { const c = await browser.newContext(); const p = await c.newPage(); await block(p); await p.goto(u, { waitUntil: 'domcontentloaded' }); await p.$$eval('article.product', (e) => e.length); await c.close(); });
}
await browser.close(); await proc.kill(); await fixture.stop();
