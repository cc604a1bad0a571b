import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { api, newOrg, waitForRun } from './client.ts';
import { SHOTS_DIR, expectAccessible } from './app-helpers.ts';
import { expectedRecords } from './expected.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';

type Err = { error: { code: string } };
const spec = { startUrls: ['http://127.0.0.1:9/w'], itemSelector: 'li', fields: { a: {} } };

/** The widget's fields as drawn in its (open) shadow root, per job. */
async function drawn(tab: Page, host: string): Promise<Record<string, string>> {
  await tab.locator(`${host}[data-state="ready"]`).waitFor({ timeout: 15_000 });
  return tab.locator(host).evaluate((el) => Object.fromEntries([...el.shadowRoot!.querySelectorAll('[data-field]')].map((f) => [f.getAttribute('data-field'), f.textContent ?? ''])));
}
const cardBackground = (tab: Page, host: string) => tab.locator(host).evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.card')!).backgroundColor);

describe('the embeddable status widget and badge', () => {
  let browser: Browser;
  let fleet: FleetNode;
  let page: Server;
  let pageUrl = '';
  let html = '';
  beforeAll(async () => {
    [browser, fleet] = await Promise.all([launchChromium(), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    // Another origin than the edge's, as a customer's web page would be.
    page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await new Promise<void>((r) => page.close(() => r()));
  });

  it('shows the named jobs\' latest runs on another site with a publishable key, and nothing for other jobs', async () => {
    const org = await newOrg('Widget');
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Nightly prices', spec });
    const hidden = await api(org.key, 'POST', '/v1/jobs', { name: 'Secret project', spec });
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    await api(org.key, 'POST', `/v1/runs/${String(run.body.id)}/cancel`);
    const pk = await api(org.key, 'POST', '/v1/keys', { kind: 'publishable', name: 'site', jobIds: [job.body.id] });
    html = `<!doctype html><html lang="en"><title>t</title><div id="w" data-trawl-status data-key="${String(pk.body.key)}" data-jobs="${String(job.body.id)}"></div>
      <div id="x" data-trawl-status data-key="${String(pk.body.key)}" data-jobs="${String(hidden.body.id)}"></div>
      <script src="${inject('edgeUrl')}/widget.js" async></script></html>`;
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(pageUrl);
    // Cancelled runs say nothing about the job's health: no success rate yet; no freshness target set.
    expect(await drawn(tab, '#w')).toEqual({ name: 'Nightly prices', status: 'cancelled', lastRun: expect.any(String), successRate: '—', items: '0', freshness: 'No target' });
    await tab.locator('#x[data-state="error"]').waitFor({ timeout: 15_000 });
    expect(await tab.locator('#x').evaluate((el) => el.shadowRoot!.querySelector('.card')!.textContent)).toBe('Status unavailable');
    expect(await tab.locator('#x').evaluate((el) => el.shadowRoot!.textContent)).not.toContain('Secret project');
    await context.close();
  });

  describe('with real runs of the demo catalog', () => {
    let org: Awaited<ReturnType<typeof newOrg>>;
    let jobId = '';
    let pk = '';
    let last: Record<string, unknown> = {};
    const demoUrl = () => inject('demoUrl');
    beforeAll(async () => {
      org = await newOrg('Widget runs');
      jobId = String((await api(org.key, 'POST', '/v1/jobs', { name: 'Catalog', spec: demoJobSpec(demoUrl()) })).body.id);
      const runOnce = async () => waitForRun(org.key, String((await api(org.key, 'POST', `/v1/jobs/${jobId}/runs`)).body.id));
      const setStart = async (path: string) => expect((await api(org.key, 'PATCH', `/v1/jobs/${jobId}`, { spec: { ...demoJobSpec(demoUrl()), startUrls: [`${demoUrl()}${path}`] } })).status).toBe(200);
      // succeeded, failed (a missing page: HTTP 404, not retried), succeeded: 2 of 3 ended runs succeeded.
      expect((await runOnce()).status).toBe('succeeded');
      await setStart('/catalog/missing-page.html');
      expect((await runOnce()).status).toBe('failed');
      await setStart('/catalog/page-1.html');
      last = await runOnce();
      expect(last.status).toBe('succeeded');
      expect((await api(org.key, 'PUT', `/v1/jobs/${jobId}/freshness`, { maxAgeMinutes: 360 })).status).toBe(200);
      pk = String((await api(org.key, 'POST', '/v1/keys', { kind: 'publishable', name: 'site', jobIds: [jobId] })).body.key);
    });

    it('draws last run, status, success rate, items and freshness exactly, light and dark, with no axe violation', async () => {
      html = `<!doctype html><html lang="en"><head><title>Our data status</title></head><body><main><h1>Our data</h1>
        <script src="${inject('edgeUrl')}/widget.js" data-job="${jobId}" data-key="${pk}" async></script>
        <div id="forced" data-theme="light" data-trawl-status data-key="${pk}" data-jobs="${jobId}"></div></main></body></html>`;
      const context = await browser.newContext({ colorScheme: 'light' });
      const tab = await context.newPage();
      await tab.goto(pageUrl);
      const lastRun = await tab.evaluate((ms) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms), Number(last.finishedAt));
      const expected = { name: 'Catalog', status: 'succeeded', lastRun, successRate: '67%', items: String(expectedRecords(demoUrl()).length), freshness: 'Fresh (target 6 h)' };
      // The one-tag form puts its widget right after the script.
      expect(await drawn(tab, 'script[data-job] + div')).toEqual(expected);
      expect(await drawn(tab, '#forced')).toEqual(expected);
      await expectAccessible(tab, 'widget host page, light');
      mkdirSync(SHOTS_DIR, { recursive: true });
      await tab.screenshot({ path: join(SHOTS_DIR, 'widget-light.png') });
      expect(await cardBackground(tab, 'script[data-job] + div')).toBe('rgb(255, 255, 255)');
      await tab.emulateMedia({ colorScheme: 'dark' });
      expect(await cardBackground(tab, 'script[data-job] + div')).toBe('rgb(13, 17, 23)');
      // data-theme="light" holds against a dark system setting.
      expect(await cardBackground(tab, '#forced')).toBe('rgb(255, 255, 255)');
      await expectAccessible(tab, 'widget host page, dark');
      await tab.screenshot({ path: join(SHOTS_DIR, 'widget-dark.png') });
      await context.close();
    });

    it('serves an SVG badge to publishable keys only, cached by ETag, and the status with CORS and 304', async () => {
      const path = `/v1/public/jobs/${jobId}/badge.svg`;
      const badge = await api(null, 'GET', `${path}?key=${pk}`);
      expect([badge.status, badge.headers.get('content-type'), badge.headers.get('cache-control')]).toEqual([200, 'image/svg+xml; charset=utf-8', 'public, max-age=60']);
      expect(badge.text).toContain('aria-label="Catalog: succeeded"');
      const etag = badge.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await api(null, 'GET', `${path}?key=${pk}`, undefined, { 'if-none-match': etag });
      expect([again.status, again.text, again.headers.get('etag')]).toEqual([304, '', etag]);
      // A secret key is refused by name, in the URL or the header; another job's id is not found.
      for (const [url, key] of [[`${path}?key=${org.key}`, null], [path, org.key]] as const) {
        const refused = await api<Err>(key, 'GET', url);
        expect([refused.status, refused.body.error.code]).toEqual([403, 'PUBLISHABLE_KEY_REQUIRED']);
      }
      const other = String((await api(org.key, 'POST', '/v1/jobs', { name: 'Other', spec })).body.id);
      expect((await api<Err>(null, 'GET', `/v1/public/jobs/${other}/badge.svg?key=${pk}`)).status).toBe(404);
      // The publishable key does nothing else, and a key in the query string counts nowhere but the badge.
      expect((await api<Err>(pk, 'GET', `/v1/jobs/${jobId}`)).body.error.code).toBe('FORBIDDEN');
      expect((await api<Err>(null, 'GET', `/v1/jobs/${jobId}?key=${pk}`)).status).toBe(401);

      const status = await api(pk, 'GET', `/v1/status?jobs=${jobId}`, undefined, { origin: pageUrl.slice(0, -1) });
      expect([status.status, status.headers.get('access-control-allow-origin'), status.headers.get('cache-control')]).toEqual([200, '*', 'private, max-age=30']);
      const unchanged = await api(pk, 'GET', `/v1/status?jobs=${jobId}`, undefined, { 'if-none-match': status.headers.get('etag')! });
      expect([unchanged.status, unchanged.text]).toEqual([304, '']);
      const preflight = await fetch(`${inject('edgeUrl')}/v1/status?jobs=${jobId}`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.test', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, '*']);

      // The badge as an <img> on another origin's page draws at its SVG size.
      html = `<!doctype html><html lang="en"><title>b</title><img id="b" alt="status" src="${inject('edgeUrl')}${path}?key=${pk}"></html>`;
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(pageUrl);
      await tab.waitForFunction(() => (document.getElementById('b') as HTMLImageElement).complete);
      const width = Number(/^<svg[^>]* width="(\d+)"/.exec(badge.text)?.[1]);
      expect(await tab.locator('#b').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(width);
      await context.close();
    });
  });
});
