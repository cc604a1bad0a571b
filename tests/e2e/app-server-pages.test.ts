import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn } from './app-helpers.ts';

/** The app's pages over the server-side parts of issue #11: job search, limits, the policy dry run, share links. */
const spec = (url: string) => ({ startUrls: [url], itemSelector: 'li', fields: { a: {} } });

/** The names in the jobs table once the list has loaded. */
async function rowNames(page: Page): Promise<string[]> {
  const table = page.getByTestId('jobs-table');
  await expect.poll(() => table.getAttribute('aria-busy')).toBe('false');
  return table.locator('tbody tr td:first-child a').allTextContents();
}

describe('the app over the new API parts, as people in Chromium', () => {
  let browser: Browser;
  let owner: Page;
  const who = `srv-${Date.now().toString(36)}`;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it('searches jobs on the server and pages the filtered list', async () => {
    ({ page: owner } = await signIn(browser, who));
    for (const [name, url] of [['Alpha shoes', 'https://alpha.example.test/'], ['Beta hats', 'https://shop.example.test/hats']]) {
      expect((await pageApi(owner, 'POST', '/v1/jobs', { name, spec: spec(url!) })).status).toBe(201);
    }
    for (let i = 0; i < 22; i++) expect((await pageApi(owner, 'POST', '/v1/jobs', { name: `Bulk ${String(i).padStart(2, '0')}`, spec: spec(`https://bulk.example.test/${i}`) })).status).toBe(201);
    await owner.goto(`${inject('edgeUrl')}/app/jobs/`);
    expect((await rowNames(owner)).length).toBe(20);

    // A start URL's text finds its job though it is not on the first page of the unfiltered list.
    await owner.getByTestId('jobs-search').fill('shop.example.test/hats');
    await expect.poll(() => rowNames(owner)).toEqual(['Beta hats']);
    await checkPage(owner, 'jobs-search');

    await owner.getByTestId('jobs-search').fill('bulk');
    await owner.getByTestId('jobs-status').selectOption('never');
    const all = Array.from({ length: 22 }, (_, i) => `Bulk ${String(21 - i).padStart(2, '0')}`);
    await expect.poll(() => rowNames(owner)).toEqual(all.slice(0, 20));
    await owner.getByTestId('jobs-next').click();
    await expect.poll(() => rowNames(owner)).toEqual(all.slice(20));
    expect(await owner.getByTestId('jobs-next').isDisabled()).toBe(true);
    await owner.getByTestId('jobs-prev').click();
    await expect.poll(() => rowNames(owner)).toEqual(all.slice(0, 20));
    await owner.getByTestId('jobs-status').selectOption('cancelled');
    await expect.poll(() => rowNames(owner)).toEqual([]);
    await owner.getByText('No jobs match.').waitFor();
  });

  it('edits the limits (a bad value shows the API\'s code and hint) and dry-runs URLs on the server', async () => {
    await owner.goto(`${inject('edgeUrl')}/app/settings/`);
    await owner.locator('#limit-maxConcurrentRuns').fill('3');
    await owner.locator('#limit-siteMinDelayMs').fill('700000');
    await owner.getByTestId('save-limits').click();
    const box = owner.getByTestId('limits').locator('.error-box');
    await box.waitFor();
    expect(await box.getAttribute('data-code')).toBe('INVALID_REQUEST');
    expect(await box.locator('.error-hint').textContent()).toMatch(/^Hint: .{10,}/);
    await owner.locator('#limit-siteMinDelayMs').fill('1500');
    await owner.getByTestId('save-limits').click();
    await owner.getByText('Limits saved.').waitFor();
    expect(await owner.getByTestId('effective-maxConcurrentRuns').textContent()).toBe('3');
    expect(await owner.getByTestId('effective-siteMinDelayMs').textContent()).toBe('1500');
    expect((await pageApi(owner, 'GET', '/v1/policy')).body.limits).toEqual({ siteMaxConcurrent: null, siteMinDelayMs: 1500, maxTasksInFlight: null, maxConcurrentRuns: 3 });

    await owner.locator('#deny-list').fill('*.bad.example.test');
    await owner.locator('#dry-run').fill('https://x.bad.example.test/p\nhttps://ok.example.test/');
    await owner.getByTestId('dry-run-button').click();
    const results = owner.getByTestId('dry-run-results').locator('li');
    await expect.poll(() => results.count()).toBe(2);
    expect(await results.evaluateAll((li) => li.map((l) => [l.getAttribute('data-allowed'), l.textContent]))).toEqual([
      ['false', 'https://x.bad.example.test/p: refused (deny-list entry *.bad.example.test: host x.bad.example.test matches the deny-list entry *.bad.example.test) BLOCKED_BY_POLICY'],
      ['true', 'https://ok.example.test/: allowed'],
    ]);
    // The dry run used the edited list without saving it; saving the list keeps the limits.
    expect((await pageApi(owner, 'GET', '/v1/policy')).body.denyDomains).toEqual([]);
    await checkPage(owner, 'settings-limits-dry-run');
    // Wait for the section's own PUT (not for any status element: the section's loading indicator is one too) and
    // check what it sent, so a wrong body and a slow machine fail differently.
    const put = owner.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/v1/policy', { timeout: 30_000 });
    await owner.getByRole('button', { name: 'Save policy' }).click();
    const response = await put;
    expect(response.status()).toBe(200);
    expect((response.request().postDataJSON() as { denyDomains: string[] }).denyDomains).toEqual(['*.bad.example.test']);
    await owner.locator('section[aria-labelledby="policy-head"] span[role="status"].ok').waitFor({ timeout: 20_000 });
    expect(await owner.locator('section[aria-labelledby="policy-head"] .error-box').count()).toBe(0);
    expect((await pageApi(owner, 'GET', '/v1/policy')).body.denyDomains).toEqual(['*.bad.example.test']);
    expect((await pageApi(owner, 'GET', '/v1/policy')).body.limits).toEqual({ siteMaxConcurrent: null, siteMinDelayMs: 1500, maxTasksInFlight: null, maxConcurrentRuns: 3 });
  });

  it('shows a Viewer the limits read-only with the reason; the API refuses the change', async () => {
    const invite = await pageApi(owner, 'POST', '/v1/invitations', { role: 'viewer' });
    const { page: viewer, context } = await signIn(browser, `${who}-viewer`, new URL(String(invite.body.link)).pathname);
    await viewer.goto(`${inject('edgeUrl')}/app/settings/`);
    const save = viewer.getByTestId('save-limits');
    await save.waitFor();
    expect(await save.isDisabled()).toBe(true);
    expect(await viewer.locator(`#${await save.getAttribute('aria-describedby')}`).textContent()).toBe('Your role (Viewer) may not do this (policy:write).');
    expect(await viewer.locator('#limit-maxConcurrentRuns').inputValue()).toBe('3');
    expect(await viewer.locator('#limit-maxConcurrentRuns').getAttribute('readonly')).toBe('');
    await checkPage(viewer, 'settings-limits-viewer');
    expect((await pageApi(viewer, 'PUT', '/v1/policy/limits', { maxConcurrentRuns: 9 })).status).toBe(403);
    await context.close();
  });

  it('makes a share link on the run monitor; an outsider opens it without an account; revoked, it shows the code and hint', async () => {
    const job = await pageApi(owner, 'POST', '/v1/jobs', { name: 'Shared from the app', spec: spec('https://ok.example.test/list') });
    const run = await pageApi(owner, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    const runId = String(run.body.id);
    expect((await pageApi(owner, 'POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    await owner.goto(`${inject('edgeUrl')}/app/runs/?id=${runId}`);
    await owner.locator('#share-hours').fill('5');
    await owner.getByTestId('create-share').click();
    const link = await owner.getByTestId('share-url').textContent();
    expect(link).toMatch(new RegExp(`^${inject('edgeUrl')}/app/share/\\?token=trawl_share_[0-9a-z]{40}$`));
    await owner.getByTestId('share-list').locator('li').first().waitFor();
    await checkPage(owner, 'run-share-panel');

    // A fresh browser context: no cookie, no account.
    const outsiderContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const outsider = await outsiderContext.newPage();
    await outsider.goto(link!);
    await outsider.getByTestId('shared-run').waitFor();
    expect(new URL(outsider.url()).pathname).toBe('/app/share/');
    expect(await outsider.getByRole('heading', { level: 1 }).textContent()).toBe('Shared run: Shared from the app');
    expect(await outsider.getByTestId('shared-run').locator('.pill').getAttribute('data-status')).toBe('cancelled');
    await outsider.getByTestId('events').locator('li').first().waitFor();
    expect(await outsider.getByTestId('share-results').count()).toBe(0);
    await checkPage(outsider, 'share-outsider');

    const shares = await pageApi(owner, 'GET', `/v1/runs/${runId}/shares`);
    const id = String((shares.body.data as { id: string }[])[0]!.id);
    await owner.getByTestId(`revoke-${id}`).click();
    await owner.getByTestId('share-list').getByText('revoked').waitFor();
    await outsider.reload();
    const box = outsider.locator('.error-box');
    await box.waitFor();
    expect(await box.getAttribute('data-code')).toBe('SHARE_LINK_INVALID');
    expect(await box.locator('.error-message').textContent()).toBe('This share link was revoked');
    expect(await box.locator('.error-hint').textContent()).toBe('Hint: The share link is unknown, expired or revoked: ask the person who shared the run for a new link.');
    await checkPage(outsider, 'share-revoked');
    await outsiderContext.close();
  });
});
