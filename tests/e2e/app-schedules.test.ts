import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn } from './app-helpers.ts';

/** The Jobs page shows each job's next scheduled run (ADR 0042). */
const spec = { startUrls: ['https://shop.example.test/'], itemSelector: 'li', fields: { a: {} } };
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** "30 7 * * 1-5" in Asia/Seoul (UTC+9, no daylight saving): 22:30 UTC the day before each Seoul weekday; the next five. */
function seoulWeekdayMornings(now: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(now / DAY) * DAY - DAY + 22.5 * HOUR; out.length < 5; t += DAY) {
    const seoulDay = new Date(t + 9 * HOUR).getUTCDay();
    if (t > now && seoulDay >= 1 && seoulDay <= 5) out.push(t);
  }
  return out;
}

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

  it('sets, pauses and resumes a schedule on the job\'s schedule screen, with the next run times, and lists it in GET /v1/jobs', async () => {
    const { page } = await signIn(browser, `sched-screen-${Date.now().toString(36)}`);
    const job = await pageApi(page, 'POST', '/v1/jobs', { name: 'Weekday mornings', spec });
    const id = String(job.body.id);
    await page.goto(`${inject('edgeUrl')}/app/jobs/`);
    await page.getByTestId('job-next-run').click();
    await page.waitForURL(`**/app/jobs/schedule/?id=${id}`);
    await expect.poll(() => page.getByTestId('schedule-state').textContent()).toBe('Not scheduled');
    // A bad cron: the API's code and hint, nothing saved.
    await page.getByTestId('schedule-cron').fill('61 * * * *');
    await page.getByTestId('schedule-zone').fill('Asia/Seoul');
    await page.getByTestId('schedule-save').click();
    await expect.poll(() => page.locator('[role="alert"]').getAttribute('data-code')).toBe('INVALID_SCHEDULE');
    expect((await pageApi(page, 'GET', `/v1/jobs/${id}/schedule`)).status).toBe(404);

    await page.getByTestId('schedule-cron').fill('30 7 * * 1-5');
    const saved = Date.now();
    await page.getByTestId('schedule-save').click();
    const next = seoulWeekdayMornings(saved);
    const format = (list: number[]) => page.evaluate((ms) => ms.map((m) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(m)), list);
    await expect.poll(() => page.getByTestId('schedule-next').getByTestId('next-local').allTextContents()).toEqual(await format(next));
    expect(await page.getByTestId('schedule-state').textContent()).toBe('30 7 * * 1-5 in Asia/Seoul');
    await checkPage(page, 'job-schedule');
    const listed = await pageApi(page, 'GET', `/v1/jobs?q=${id}`);
    expect((listed.body.data as Array<{ schedule: unknown }>)[0]!.schedule).toEqual({ cron: '30 7 * * 1-5', timeZone: 'Asia/Seoul', paused: false, nextRun: next[0] });

    await page.getByTestId('schedule-pause').click();
    await expect.poll(() => page.getByTestId('schedule-state').textContent()).toBe('Schedule paused');
    expect((await pageApi(page, 'GET', `/v1/jobs/${id}/schedule`)).body.paused).toBe(true);
    expect(((await pageApi(page, 'GET', `/v1/jobs?q=${id}`)).body.data as Array<{ schedule: unknown }>)[0]!.schedule).toEqual({ cron: '30 7 * * 1-5', timeZone: 'Asia/Seoul', paused: true, nextRun: null });
    await page.getByTestId('schedule-resume').click();
    await expect.poll(() => page.getByTestId('schedule-next').locator('li').count()).toBe(5);
    expect((await pageApi(page, 'GET', `/v1/jobs/${id}/schedule`)).body.paused).toBe(false);
  });
});
