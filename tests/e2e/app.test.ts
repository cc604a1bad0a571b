import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { expectedRecords } from './expected.ts';
import { parseCsv } from './csv.ts';
import { checkPage, jsonText, pageApi, signIn } from './app-helpers.ts';

const bySku = <T extends { sku: unknown }>(rows: T[]) => [...rows].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));

/** Renames the field at `index` of the form (the name input commits on change, as when the person leaves it). */
async function nameField(page: Page, index: number, name: string) {
  const input = page.locator(`#f-fields--name-${index}`);
  await input.fill(name);
  await input.press('Tab');
}

describe('the web app, as a person in Chromium', () => {
  let browser: Browser;
  let fleet: FleetNode;
  let owner: Page;
  let jobId = '';
  const who = `app-${Date.now().toString(36)}`;
  beforeAll(async () => {
    [browser, fleet] = await Promise.all([launchChromium(), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
  });
  afterAll(async () => { await browser?.close(); await fleet?.stop(); });

  it('signs in to the app, creates a job with the form only, previews, saves, runs, watches it live and downloads the exact CSV', async () => {
    const demoUrl = inject('demoUrl');
    ({ page: owner } = await signIn(browser, who));
    expect(new URL(owner.url()).pathname).toBe('/app/');
    await owner.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await owner.getByText('No runs yet').waitFor();
    await checkPage(owner, 'dashboard-empty');

    await owner.getByRole('link', { name: 'Jobs', exact: true }).click();
    await owner.getByRole('heading', { name: 'Jobs' }).waitFor();
    await owner.getByTestId('new-job').click();
    await owner.getByRole('heading', { name: 'New job' }).waitFor();

    await owner.locator('#job-name').fill('Demo catalog from the form');
    await owner.locator('#f-startUrls').fill(`${demoUrl}/catalog/page-1.html`);
    await owner.locator('#f-itemSelector').fill('#products li.product');
    await nameField(owner, 0, 'sku');
    await owner.locator('#f-fields-sku-source').selectOption('attr');
    await owner.locator('#f-fields-sku-attr').fill('data-sku');
    await owner.locator('#f-fields-sku-required').check();
    await owner.getByTestId('add-field').click();
    await nameField(owner, 1, 'name');
    await owner.locator('#f-fields-name-selector').fill('.name');
    await owner.locator('#f-fields-name-required').check();
    await owner.getByTestId('add-field').click();
    await nameField(owner, 2, 'price');
    await owner.locator('#f-fields-price-selector').fill('.price');
    await owner.getByTestId('field-2').getByRole('button', { name: 'Add step' }).click();
    await owner.locator('#f-fields-price-process-0-op').selectOption('number');
    await owner.getByTestId('add-field').click();
    await nameField(owner, 3, 'category');
    await owner.locator('#f-fields-category-selector').fill('.category');
    await owner.getByTestId('add-field').click();
    await nameField(owner, 4, 'url');
    await owner.locator('#f-fields-url-selector').fill('a.name');
    await owner.locator('#f-fields-url-source').selectOption('attr');
    await owner.locator('#f-fields-url-attr').fill('href');
    await owner.getByTestId('field-4').getByRole('button', { name: 'Add step' }).click();
    await owner.locator('#f-fields-url-process-0-op').selectOption('absoluteUrl');
    await owner.locator('#f-pagination-type').selectOption('nextLink');
    await owner.locator('#f-pagination-selector').fill('a.next');
    await owner.locator('#f-dedupeKey').fill('sku');

    // The JSON view beside the form holds exactly the spec the form describes.
    expect(JSON.parse(await jsonText(owner))).toEqual({
      startUrls: [`${demoUrl}/catalog/page-1.html`], itemSelector: '#products li.product',
      fields: {
        sku: { source: 'attr', attr: 'data-sku', required: true }, name: { selector: '.name', required: true },
        price: { selector: '.price', process: [{ op: 'number' }] }, category: { selector: '.category' },
        url: { selector: 'a.name', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
      },
      pagination: { type: 'nextLink', selector: 'a.next' }, dedupeKey: ['sku'],
    });
    await expect.poll(() => owner.getByTestId('validation').textContent(), { timeout: 10_000 }).toBe('The spec is valid.');

    await owner.getByTestId('preview-button').click();
    await owner.getByTestId('preview').waitFor({ timeout: 60_000 });
    await expect.poll(() => owner.getByTestId('preview').getByRole('status').first().textContent()).toMatch(/^20 items from \d+ matches on /);
    for (const f of ['sku', 'name', 'price', 'category', 'url']) expect(await owner.getByTestId(`fill-${f}`).textContent()).toBe('100%');
    await checkPage(owner, 'job-editor-preview');

    await owner.getByTestId('save-button').click();
    await owner.waitForURL(/\/app\/jobs\/edit\/\?id=job_[a-z0-9]+&saved=1$/);
    jobId = new URL(owner.url()).searchParams.get('id')!;
    await owner.getByText('Saved.').waitFor();
    await owner.getByTestId('save-run-button').click();
    await owner.waitForURL(/\/app\/runs\/\?id=run_[a-z0-9]+$/);
    await owner.locator('[data-status="succeeded"]').first().waitFor({ timeout: 90_000 });
    await expect.poll(() => owner.getByTestId('board-items').textContent()).toBe('60');
    expect(await owner.getByTestId('board-done').textContent()).toBe('3');
    expect(await owner.getByTestId('board-failed').textContent()).toBe('0');
    await expect.poll(() => owner.getByTestId('socket-state').textContent()).toBe('ended');
    const seqs = await owner.locator('[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await owner.locator('[data-seq]').last().locator('.ev-type').textContent()).toBe('run.finished');
    await checkPage(owner, 'run-monitor');

    await owner.getByTestId('results-link').click();
    await expect.poll(() => owner.getByTestId('results-count').textContent(), { timeout: 20_000 }).toBe('60 of 60 rows');
    await owner.locator('.grid-row').first().waitFor();
    await checkPage(owner, 'results');
    const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByTestId('download-csv').click()]);
    const [header, ...rows] = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(header).toEqual(['sku', 'name', 'price', 'category', 'url']);
    const fromCsv = rows.map((r) => ({ sku: r[0], name: r[1], price: Number(r[2]), category: r[3], url: r[4] }));
    expect(bySku(fromCsv)).toEqual(bySku(expectedRecords(demoUrl)));

    // The grid shows the rows: sorted by sku, the first is the fixture's first sku; a filter leaves exactly the match.
    const expected = bySku(expectedRecords(demoUrl));
    await owner.getByRole('button', { name: 'sku', exact: true }).click();
    await expect.poll(() => owner.locator('.grid-row').first().locator('[role="cell"]').first().textContent()).toBe(expected[0]!.sku);
    expect(await owner.locator('.grid-row').count()).toBeGreaterThanOrEqual(10);
    await owner.getByTestId('results-filter').fill(expected[7]!.sku);
    await expect.poll(() => owner.getByTestId('results-count').textContent()).toBe('1 of 60 rows');
    expect(await owner.locator('.grid-row [role="cell"]').allTextContents()).toEqual([expected[7]!.sku, expected[7]!.name, String(expected[7]!.price), expected[7]!.category, expected[7]!.url]);
    await owner.getByTestId('results-filter').fill('zzz-no-such-row');
    await expect.poll(() => owner.getByTestId('results-count').textContent()).toBe('0 of 60 rows');
    expect(await owner.locator('.grid-row').count()).toBe(0);
  });

  it('shows every other page accessibly, in English and Korean (the choice persists)', async () => {
    for (const [path, name, heading] of [['/app/', 'dashboard', 'Dashboard'], ['/app/jobs/', 'jobs', 'Jobs'], ['/app/settings/', 'settings', 'Settings'], ['/app/insight/', 'insight', 'Insight'], ['/app/templates/', 'templates', 'Templates'],
      ['/app/errors/', 'error-guide', 'Error guide'], ['/app/errors/SELECTOR_TIMEOUT/', 'error-guide-code', 'SELECTOR_TIMEOUT']] as const) {
      await owner.goto(`${inject('edgeUrl')}${path}`);
      await owner.getByRole('heading', { name: heading, exact: true }).first().waitFor();
      await owner.locator('.loading').first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
      await checkPage(owner, name);
    }
    // A new job from a shipped template opens the editor with the template's spec, which the API accepts.
    await owner.goto(`${inject('edgeUrl')}/app/templates/`);
    await owner.getByTestId('use-listing-next-link').click();
    await owner.waitForURL(/\/app\/jobs\/edit\/\?template=listing-next-link$/);
    await expect.poll(() => owner.locator('#f-itemSelector').inputValue()).toBe('.product');
    await expect.poll(() => owner.getByTestId('validation').textContent(), { timeout: 10_000 }).toBe('The spec is valid.');
    await owner.goto(`${inject('edgeUrl')}/app/jobs/edit/?id=${jobId}`);
    await owner.locator('#job-name').waitFor();
    expect(await owner.locator('#job-name').inputValue()).toBe('Demo catalog from the form');
    await checkPage(owner, 'job-editor');
    await owner.getByTestId('lang-switch').selectOption('ko');
    await owner.getByRole('link', { name: '작업', exact: true }).waitFor();
    await owner.goto(`${inject('edgeUrl')}/app/`);
    await owner.getByRole('heading', { name: '대시보드' }).waitFor();
    expect(await owner.evaluate(() => document.documentElement.lang)).toBe('ko');
    await checkPage(owner, 'dashboard-ko');
    await owner.getByTestId('lang-switch').selectOption('en');
    await owner.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('gives a Viewer the app read-only, and the API still refuses their writes', async () => {
    const invite = await pageApi(owner, 'POST', '/v1/invitations', { role: 'viewer' });
    expect(invite.status).toBe(201);
    const { page: viewer, context } = await signIn(browser, `${who}-viewer`, new URL(String(invite.body.link)).pathname);
    expect(new URL(viewer.url()).pathname).toBe('/app/');
    await viewer.goto(`${inject('edgeUrl')}/app/jobs/`);
    await viewer.getByText('Your role may not create jobs.').waitFor();
    expect(await viewer.getByTestId('new-job').count()).toBe(0);
    await viewer.goto(`${inject('edgeUrl')}/app/jobs/edit/?id=${jobId}`);
    await viewer.locator('#job-name').waitFor();
    expect(await viewer.locator('#job-name').isDisabled()).toBe(true);
    expect(await viewer.getByTestId('save-button').isDisabled()).toBe(true);
    expect(await viewer.getByTestId('save-run-button').isDisabled()).toBe(true);
    await viewer.getByText('Read only: your role may not change jobs.').waitFor();
    await checkPage(viewer, 'job-editor-viewer');
    await viewer.goto(`${inject('edgeUrl')}/app/settings/`);
    await viewer.getByText('Your role may not see this (members:read).').waitFor();
    const save = viewer.getByRole('button', { name: 'Save policy' });
    expect(await save.isDisabled()).toBe(true);
    expect(await save.getAttribute('aria-describedby')).toBeTruthy();
    await checkPage(viewer, 'settings-viewer');

    const job = await pageApi(viewer, 'GET', `/v1/jobs/${jobId}`);
    expect(job.status).toBe(200);
    for (const [method, path, body] of [['POST', '/v1/jobs', { name: 'x', spec: job.body.spec }], ['PATCH', `/v1/jobs/${jobId}`, { name: 'renamed' }],
      ['POST', `/v1/jobs/${jobId}/runs`, undefined], ['PUT', '/v1/policy', { allowDomains: [], denyDomains: [] }]] as const) {
      const res = await pageApi(viewer, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((res.body.error as { code: string }).code).toBe('FORBIDDEN');
    }
    await context.close();
  });

  it('switches organization from the header: the session moves to the chosen organization (CSRF-checked, members only)', async () => {
    const { page: other, context } = await signIn(browser, `${who}-other`);
    const invite = await pageApi(other, 'POST', '/v1/invitations', { role: 'editor' });
    expect(invite.status).toBe(201);
    const mine = await pageApi(owner, 'GET', '/v1/me');
    const ownOrg = (mine.body.org as { id: string }).id;
    // The owner follows the invitation in the same browser: the provider remembers them, the session opens in the new organization.
    await owner.goto(`${inject('edgeUrl')}${new URL(String(invite.body.link)).pathname}`);
    await owner.waitForURL(`${inject('edgeUrl')}/app/`);
    const invited = await pageApi(owner, 'GET', '/v1/me');
    const otherOrg = (invited.body.org as { id: string }).id;
    expect(otherOrg).not.toBe(ownOrg);
    expect(invited.body.role).toBe('editor');
    expect((invited.body.memberships as Array<{ orgId: string }>).map((m) => m.orgId).sort()).toEqual([ownOrg, otherOrg].sort());
    expect(await owner.getByTestId('org-switch').inputValue()).toBe(otherOrg);
    await checkPage(owner, 'dashboard-invited');

    // Someone else's organization, or no CSRF token: refused.
    const foreign = await owner.evaluate(async () => (await fetch('/auth/org', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': /trawl_csrf=([^;]+)/.exec(document.cookie)![1]! }, body: JSON.stringify({ orgId: 'org_not_mine' }) })).status);
    expect(foreign).toBe(404);
    const forged = await owner.evaluate(async (orgId) => (await fetch('/auth/org', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orgId }) })).status, ownOrg);
    expect(forged).toBe(403);

    // The switch reloads /app/, the URL the page already has: wait for the new document's load, not for the URL.
    await Promise.all([owner.waitForEvent('load'), owner.getByTestId('org-switch').selectOption(ownOrg)]);
    await owner.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect.poll(async () => ((await pageApi(owner, 'GET', '/v1/me')).body.org as { id: string }).id).toBe(ownOrg);
    expect((await pageApi(owner, 'GET', `/v1/jobs/${jobId}`)).status).toBe(200);
    expect(await owner.getByTestId('org-switch').inputValue()).toBe(ownOrg);
    await context.close();
  });

  it('keeps the live board complete when the WebSocket drops mid-run: no missing and no repeated event', async () => {
    const demoUrl = inject('demoUrl');
    // A slow job (a pause on each page, one page at a time) so the run is still going when the socket drops.
    const job = await pageApi(owner, 'POST', '/v1/jobs', { name: 'Slow catalog', spec: {
      startUrls: [`${demoUrl}/catalog/page-1.html`], itemSelector: '#products li.product', fields: { sku: { source: 'attr', attr: 'data-sku' } },
      actions: [{ do: 'delay', ms: 1500 }], pagination: { type: 'nextLink', selector: 'a.next' }, concurrency: 1,
    } });
    expect(job.status).toBe(201);
    const run = await pageApi(owner, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    expect(run.status).toBe(201);
    const id = String(run.body.id);
    await owner.goto(`${inject('edgeUrl')}/app/runs/?id=${id}`);
    await owner.locator('[data-seq]').first().waitFor({ timeout: 30_000 });
    let drops = 0;
    for (const minEvents of [3, 8]) {
      await expect.poll(() => owner.locator('[data-seq]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(minEvents);
      const status = await owner.locator('.page-head [data-status]').getAttribute('data-status');
      if (status !== 'running' && status !== 'queued') break;
      await owner.evaluate(() => (window as unknown as { __trawlRunStream: { drop(): void } }).__trawlRunStream.drop());
      drops++;
      await expect.poll(() => owner.getByTestId('socket-state').textContent()).not.toBe('reconnecting');
    }
    expect(drops).toBeGreaterThanOrEqual(1);
    await expect.poll(() => owner.getByTestId('socket-state').textContent(), { timeout: 60_000 }).toBe('ended');
    const shown = await owner.locator('[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    const server = await owner.evaluate(async (runId) => (await (await fetch(`/v1/runs/${runId}/logs`)).text()).trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq), id);
    expect(server.length).toBeGreaterThan(8);
    expect(shown).toEqual(server);
  });
});
