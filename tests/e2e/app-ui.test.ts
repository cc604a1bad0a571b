import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ERROR_CODES } from '@trawl/schemas';
import { ERROR_HINTS_KO } from '../../site/src/app/i18n/errors-ko.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { checkPage, jsonText, pageApi, signIn } from './app-helpers.ts';

const HOUR = 3_600_000;

/** Makes a job and runs it to its end through the API, as the signed-in person; returns the finished run. */
async function runToEnd(page: Page, name: string, spec: unknown): Promise<Record<string, unknown>> {
  // Calls go out from a settled app page, so no navigation left over from a step before can cut one short.
  await page.goto(`${inject('edgeUrl')}/app/errors/`);
  await page.getByRole('heading', { name: 'Error guide', exact: true }).waitFor();
  const job = await pageApi(page, 'POST', '/v1/jobs', { name, spec });
  expect(job.status).toBe(201);
  const run = await pageApi(page, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
  expect(run.status).toBe(201);
  for (let i = 0; i < 360; i++) {
    const got = await pageApi(page, 'GET', `/v1/runs/${String(run.body.id)}`);
    if (!['queued', 'running'].includes(String(got.body.status))) return { ...got.body, jobId: job.body.id };
    await page.waitForTimeout(250);
  }
  throw new Error(`run ${String(run.body.id)} did not end`);
}

/** Selects everything in the CodeMirror editor and types `text` over it, as a person pasting. */
async function replaceJson(page: Page, text: string) {
  await page.locator('#spec-json').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

describe('the web app: JSON editor, charts over time, trace at the failing action, Korean hints, templates', () => {
  let browser: Browser;
  let fleet: FleetNode;
  let page: Page;
  beforeAll(async () => {
    [browser, fleet] = await Promise.all([launchChromium(), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    ({ page } = await signIn(browser, `appui-${Date.now().toString(36)}`));
  });
  afterAll(async () => { await browser?.close(); await fleet?.stop(); });

  it('keeps the CodeMirror JSON view and the form in sync both ways, and marks the validator\'s problem at its text', async () => {
    await page.goto(`${inject('edgeUrl')}/app/jobs/edit/`);
    await page.locator('#f-itemSelector').fill('li.product');
    await expect.poll(async () => (JSON.parse(await jsonText(page)) as { itemSelector?: string }).itemSelector).toBe('li.product');

    // Text typed in the editor replaces the draft: the form shows it, and the API's problem (concurrency above 64)
    // is marked on the value 99 in the text, as well as in the form's summary.
    const typed = { startUrls: ['https://shop.example.test/list'], itemSelector: '.row', fields: { title: { selector: 'h2' } }, concurrency: 99 };
    await replaceJson(page, JSON.stringify(typed, null, 2));
    await expect.poll(() => page.locator('#f-itemSelector').inputValue()).toBe('.row');
    await expect.poll(() => page.getByTestId('validation').textContent(), { timeout: 10_000 }).toBe('1 problem: see the field.');
    await expect.poll(() => page.locator('.cm-lintRange-error').allTextContents(), { timeout: 10_000 }).toEqual(['99']);
    expect(JSON.parse(await jsonText(page))).toEqual(typed);

    // Text that is not JSON is kept as typed, said to be broken, and leaves the draft (and the form) as it was.
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(',');
    await page.getByTestId('json-parse-error').waitFor();
    expect(await page.locator('#f-itemSelector').inputValue()).toBe('.row');
    expect((await jsonText(page)).endsWith('},')).toBe(true);
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.getByTestId('json-parse-error').count()).toBe(0);

    // Tab leaves the editor (no focus trap), for keyboard users.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('.cm-editor') === null)).toBe(true);
    await checkPage(page, 'job-editor-json');
  });

  it('draws success rate, duration, items and failure causes over time, with the same figures in tables, per organization and per job', async () => {
    const demoUrl = inject('demoUrl');
    const good = demoJobSpec(demoUrl);
    const bad = { ...demoJobSpec(demoUrl), startUrls: [`${demoUrl}/status/404`], retry: { maxAttempts: 1 } };
    const runs = [await runToEnd(page, 'Good one', good), await runToEnd(page, 'Good one again', good), await runToEnd(page, 'Fails', bad)];
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'failed']);

    await page.goto(`${inject('edgeUrl')}/app/insight/?range=hours`);
    await page.getByTestId('chart-success').locator('canvas').first().waitFor({ timeout: 20_000 });
    // This person's organization is new: these three runs are all it has.
    expect(await page.getByTestId('chart-success-summary').textContent()).toBe('2 of 3 finished runs succeeded (67%) in this period.');
    expect(await page.getByTestId('chart-items-summary').textContent()).toBe('120 items from 3 finished runs in this period.');
    expect(await page.getByTestId('chart-causes-summary').textContent()).toBe('1 failed page attempts in this period; the most common code: HTTP_4XX.');

    // The success table has one row per hour; the hours with runs hold exactly these runs' rate.
    const end = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
    const from = end - 48 * HOUR;
    const perHour = new Map<number, { n: number; ok: number }>();
    for (const r of runs) { const i = Math.floor((Number(r.createdAt) - from) / HOUR); const c = perHour.get(i) ?? { n: 0, ok: 0 }; perHour.set(i, { n: c.n + 1, ok: c.ok + (r.status === 'succeeded' ? 1 : 0) }); }
    const table = page.getByTestId('chart-success-table');
    await page.getByTestId('chart-success').locator('summary').press('Enter');
    const cells = await table.locator('tbody td').allTextContents();
    expect(cells).toHaveLength(48);
    expect(cells.map((c, i) => [i, c]).filter(([, c]) => c !== '—')).toEqual([...perHour].sort((a, b) => a[0] - b[0]).map(([i, c]) => [i, `${Math.round((c.ok / c.n) * 100)}%`]));
    await checkPage(page, 'insight-charts');

    // One job: its own runs only, chosen with the keyboard-usable select.
    await page.locator('#insight-scope').selectOption(String(runs[2]!.jobId));
    await expect.poll(() => page.getByTestId('chart-success-summary').textContent()).toBe('0 of 1 finished runs succeeded (0%) in this period.');
    expect(new URL(page.url()).searchParams.get('job')).toBe(String(runs[2]!.jobId));
    await checkPage(page, 'insight-job');
  });

  it('links each failed attempt in the run monitor to its trace, which the built-in viewer opens at the failing action', async () => {
    const spec = { ...demoJobSpec(inject('demoUrl')), wait: { selector: '#never-there', timeoutMs: 800 }, retry: { maxAttempts: 1 }, artifacts: { trace: 'always', har: 'off', screenshots: 'off' } };
    const run = await runToEnd(page, 'Waits for nothing', spec);
    expect(run.status).toBe('failed');
    await page.goto(`${inject('edgeUrl')}/app/runs/?id=${String(run.id)}`);
    const link = page.getByTestId('failure-trace');
    await link.first().waitFor({ timeout: 20_000 });
    expect(await link.count()).toBe(1);
    expect(await link.textContent()).toBe('Trace at the failing action (wait)');
    await checkPage(page, 'run-monitor-failed');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/\/trace\/index\.html\?trace=/);
    // The Worker's assets serve /trace/index.html as /trace/ (a redirect), with the same query.
    await Promise.all([page.waitForURL(`${href.replace('/trace/index.html?', '/trace/?')}`, { waitUntil: 'commit' }), link.click()]);
    // The viewer selects the last action with an error: the wait for the missing selector, inside the fleet's "wait" step.
    const selected = page.locator('.tree-view-entry.selected');
    await expect.poll(async () => (await selected.allTextContents()).join(' '), { timeout: 30_000 }).toContain("locator('#never-there')");
    expect(await selected.first().getAttribute('class')).toContain('error');
    expect(await page.locator('.tree-view-entry', { hasText: /^wait/ }).count()).toBeGreaterThanOrEqual(1);
  });

  it('shows a run that ended with warnings as such: the warnings panel lists each one by code, beside the status', async () => {
    // The demo catalog has 3 pages of 20 products: maxPages 1 leaves 1 next page unfetched, and a pattern no SKU matches
    // leaves the 20 values of page 1 null (issue #10 §7: post-processing that empties a field is a warning).
    const base = demoJobSpec(inject('demoUrl'));
    const spec = { ...base, limits: { maxPages: 1 }, fields: { ...base.fields, code: { source: 'attr', attr: 'data-sku', process: [{ op: 'regex', pattern: '^NOPE-(\\d+)$', group: 1 }] } } };
    const run = await runToEnd(page, 'Ends with warnings', spec);
    expect(run.status).toBe('succeeded');
    const warnings = run.warnings as Array<{ code: string; count?: number; field?: string; reason?: string }>;
    expect(warnings.map((w) => ({ code: w.code, count: w.count, field: w.field, reason: w.reason }))).toEqual([
      { code: 'VALUES_UNPARSED', count: 20, field: 'code', reason: 'regex' },
      { code: 'URLS_SKIPPED', count: 1, field: undefined, reason: 'maxPages' },
    ]);
    await page.goto(`${inject('edgeUrl')}/app/runs/?id=${String(run.id)}`);
    const panel = page.getByTestId('run-warnings');
    await panel.waitFor({ timeout: 20_000 });
    expect(await panel.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(['VALUES_UNPARSED', 'URLS_SKIPPED']);
    expect(await panel.getByRole('heading').textContent()).toBe('Warnings (2)');
    expect(await page.getByTestId('with-warnings').textContent()).toBe('with warnings');
    await checkPage(page, 'run-monitor-warnings');
  });

  it('shows every error code\'s Korean hint in the Korean error guide and in an ErrorBox', async () => {
    await page.goto(`${inject('edgeUrl')}/app/errors/`);
    await page.getByTestId('lang-switch').selectOption('ko');
    await page.getByRole('heading', { name: '오류 안내', exact: true }).waitFor();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('code')?.textContent, tr.lastElementChild?.textContent]));
    expect(rows).toEqual(ERROR_CODES.map((c) => [c, ERROR_HINTS_KO[c]]));
    await checkPage(page, 'error-guide-ko');
    await page.goto(`${inject('edgeUrl')}/app/errors/TASK_TIMEOUT/`);
    await expect.poll(() => page.getByTestId('guide-hint').textContent()).toBe(ERROR_HINTS_KO.TASK_TIMEOUT);
    // A failed request: the box shows the API's code and message, and the code's hint in Korean.
    await page.goto(`${inject('edgeUrl')}/app/runs/?id=run_doesnotexist`);
    const box = page.locator('.error-box[data-code="NOT_FOUND"]');
    await box.waitFor();
    expect(await box.getByTestId('error-hint').textContent()).toBe(`도움말: ${ERROR_HINTS_KO.NOT_FOUND}`);
    await checkPage(page, 'error-box-ko');
    await page.getByTestId('lang-switch').selectOption('en');
  });

  it('offers the tabs and login templates in the gallery and opens them in the editor as valid specs', async () => {
    await page.goto(`${inject('edgeUrl')}/app/templates/`);
    for (const [id, name] of [['tabs', 'Tabs'], ['login', 'Pages behind a login']] as const) {
      await page.getByRole('heading', { name, exact: true }).waitFor();
      await page.getByTestId(`use-${id}`).click();
      await page.waitForURL(new RegExp(`/app/jobs/edit/\\?template=${id}$`));
      await expect.poll(() => page.locator('#f-itemSelector').inputValue()).toBe('.product');
      await expect.poll(() => page.getByTestId('validation').textContent(), { timeout: 10_000 }).toBe('The spec is valid.');
      await page.goto(`${inject('edgeUrl')}/app/templates/`);
    }
    await checkPage(page, 'templates-gallery');
  });
});
