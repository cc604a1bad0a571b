import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { api, newOrg } from './client.ts';


describe('the embeddable status widget', () => {
  let browser: Browser;
  let page: Server;
  let pageUrl = '';
  let html = '';
  beforeAll(async () => {
    browser = await launchChromium();
    // Another origin than the edge's, as a customer's web page would be.
    page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => page.close(() => r()));
  });

  it('shows the named jobs\' latest runs on another site with a publishable key, and nothing for other jobs', async () => {
    const org = await newOrg('Widget');
    const spec = { startUrls: ['http://127.0.0.1:9/w'], itemSelector: 'li', fields: { a: {} } };
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Nightly prices', spec });
    const hidden = await api(org.key, 'POST', '/v1/jobs', { name: 'Secret project', spec });
    const run = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    await api(org.key, 'POST', `/v1/runs/${String(run.body.id)}/cancel`);
    const pk = await api(org.key, 'POST', '/v1/keys', { kind: 'publishable', name: 'site', jobIds: [job.body.id] });
    html = `<!doctype html><div id="w" data-trawl-status data-key="${String(pk.body.key)}" data-jobs="${String(job.body.id)}"></div>
      <div id="x" data-trawl-status data-key="${String(pk.body.key)}" data-jobs="${String(hidden.body.id)}"></div>
      <script src="${inject('edgeUrl')}/widget.js" async></script>`;
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(pageUrl);
    await tab.locator('#w', { hasText: 'Nightly prices: cancelled' }).waitFor({ timeout: 15_000 });
    await tab.locator('#x', { hasText: 'Status unavailable' }).waitFor({ timeout: 15_000 });
    expect(await tab.locator('body').innerText()).not.toContain('Secret project');
    await context.close();
  });
});
