import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { pageApi, signIn } from './app-helpers.ts';

/** The Jobs page shows each job's next scheduled run (ADR 0042). */
const spec = { startUrls: ['https://shop.example.test/'], itemSelector: 'li', fields: { a: {} } };
const DAY = 86_400_000;

describe('the Jobs page and schedules, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it('shows the next run of a scheduled job, "Schedule paused" and "Not scheduled"', async () => {
    const { page } = await signIn(browser, `sched-${Date.now().toString(36)}`);
    const ids: string[] = [];
    for (const name of ['Daily', 'Paused', 'Manual']) {
      const job = await pageApi(page, 'POST', '/v1/jobs', { name, spec });
      expect(job.status).toBe(201);
      ids.push(String(job.body.id));
    }
    // "0 6 * * *" in UTC: the next 06:00 UTC after now, worked out here, not read from the product.
    const now = Date.now();
    let next = Math.floor(now / DAY) * DAY + 6 * 3_600_000;
    if (next <= now) next += DAY;
    for (const id of ids.slice(0, 2)) expect((await pageApi(page, 'PUT', `/v1/jobs/${id}/schedule`, { cron: '0 6 * * *', timeZone: 'UTC' })).status).toBe(200);
    expect((await pageApi(page, 'POST', `/v1/jobs/${ids[1]}/schedule/pause`)).status).toBe(200);
    await page.goto(`${inject('edgeUrl')}/app/jobs/`);
    const expected = await page.evaluate((ms) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(ms), next);
    const cells = page.getByTestId('jobs-table').locator('[data-testid="job-next-run"]');
    // Newest first: Manual, Paused, Daily.
    await expect.poll(() => cells.allTextContents()).toEqual(['Not scheduled', 'Schedule paused', expected]);
  });
});
