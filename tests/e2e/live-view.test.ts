import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LIVE_COLOR, LIVE_RECORDS, OTP_RECORDS } from '../../fixtures/src/live-pages.ts';
import { LOGIN } from '../../fixtures/src/data.ts';
import { ROW_FIELDS } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn, waitForLiveFrame } from './app-helpers.ts';
import { api, newOrg, waitForRun } from './client.ts';
import { handoff, liveTasksOf, middleColour, screencastsBecome, upgradeStatusWith, watch } from './live-helpers.ts';

/** Long enough that the task is surely still in flight when the first watcher leaves. */
const HOLD_MS = 15_000;
/** JPEG is lossy: a channel of the page's one colour comes back within this much. */
const JPEG_SLACK = 16;

/** Issue #13 §2 live view of a task in flight and §3 login hand-off (ADR 0044): real wrangler dev, fleet node and Chromium. */
describe('live view and login hand-off', () => {
  let a: Awaited<ReturnType<typeof newOrg>>;
  let b: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let browser: Browser;
  beforeAll(async () => {
    [a, b, fleet, browser] = await Promise.all([newOrg('LiveA'), newOrg('LiveB'),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('shows frames of a running task\'s page while watched, stops the screencast when the watcher leaves, and is the run\'s organization\'s only', async () => {
    const url = `${inject('fixtureUrl')}/live/slow?hold=${HOLD_MS}`;
    const job = await api(a.key, 'POST', '/v1/jobs', { name: 'live', spec: { startUrls: [url], itemSelector: 'li.product', fields: ROW_FIELDS, wait: { forItems: true, timeoutMs: 30_000 } } });
    expect(job.status, job.text).toBe(201);
    const run = await api(a.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    expect(run.status, run.text).toBe(201);
    const runId = String(run.body.id);
    const [task] = await liveTasksOf(a.key, runId);
    expect(task).toMatchObject({ url, attempt: 1 });
    const taskId = task!.taskId;

    // Another organization: not listed, not watched, whatever it tries.
    const list = await api(b.key, 'GET', `/v1/runs/${runId}/live`);
    expect(list.status, list.text).toBe(404);
    expect(await upgradeStatusWith(`/v1/runs/${runId}/tasks/${taskId}/live`, { authorization: `Bearer ${b.key}` })).toBe(404);
    // Nobody watches yet: the node screencasts nothing.
    expect(await screencastsBecome(fleet.url, 0)).toBe(0);
    // The node's screencast endpoint opens only with the edge's signature.
    expect(await upgradeStatusWith(`/v1/tasks/${taskId}/screencast?run=${runId}&org=${a.orgId}`, { authorization: `Bearer ${a.key}` }, fleet.url)).toBe(401);

    const viewer = await watch(a.key, runId, taskId);
    const frame = await viewer.next('frame');
    expect(frame.url).toBe(url);
    expect(frame.width).toBeGreaterThan(0);
    const [r, g, bl] = await middleColour(browser, frame.data);
    expect(Math.abs(r! - LIVE_COLOR.r)).toBeLessThanOrEqual(JPEG_SLACK);
    expect(Math.abs(g! - LIVE_COLOR.g)).toBeLessThanOrEqual(JPEG_SLACK);
    expect(Math.abs(bl! - LIVE_COLOR.b)).toBeLessThanOrEqual(JPEG_SLACK);
    expect(await screencastsBecome(fleet.url, 1)).toBe(1);
    viewer.ws.close();
    expect(await screencastsBecome(fleet.url, 0)).toBe(0);
    // ...because the watcher left, not because the task ended: it is still in flight.
    expect((await api<{ data: Array<{ taskId: string }> }>(a.key, 'GET', `/v1/runs/${runId}/live`)).body.data.map((t) => t.taskId)).toEqual([taskId]);

    // A watcher that stays sees the task end: {"type":"ended"} and a normal close.
    const stayer = await watch(a.key, runId, taskId);
    await stayer.next('ended', 30_000);
    expect(await stayer.closed).toBe(1000);
    const done = await waitForRun(a.key, runId);
    expect(done.status).toBe('succeeded');
    const results = await api(a.key, 'GET', `/v1/runs/${runId}/results?format=json`);
    expect(results.body).toEqual(LIVE_RECORDS.map((x) => ({ sku: x.sku, name: x.name, price: x.price })));
    // Over: nothing left to watch.
    expect((await api<{ data: unknown[] }>(a.key, 'GET', `/v1/runs/${runId}/live`)).body.data).toEqual([]);
    expect(await upgradeStatusWith(`/v1/runs/${runId}/tasks/${taskId}/live`, { authorization: `Bearer ${a.key}` })).toBe(404);
  }, 90_000);

  it('App: the run monitor\'s "Watch live" shows the page and stops with "Stop watching"; a signed-in browser on another site cannot open it', async () => {
    const { context, page } = await signIn(browser, `live-${Date.now().toString(36)}`);
    const url = `${inject('fixtureUrl')}/live/slow?hold=${HOLD_MS}`;
    const job = await pageApi(page, 'POST', '/v1/jobs', { name: 'watched', spec: { startUrls: [url], itemSelector: 'li.product', fields: ROW_FIELDS, wait: { forItems: true, timeoutMs: 30_000 } } });
    expect(job.status).toBe(201);
    const run = await pageApi(page, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    expect(run.status).toBe(201);
    const runId = String(run.body.id);
    await page.goto(`${inject('edgeUrl')}/app/runs/?id=${runId}`);
    await page.getByTestId('watch-live').click({ timeout: 30_000 });
    await waitForLiveFrame(page);
    expect(await page.getByTestId('live-state').getAttribute('data-state')).toBe('live');
    expect(await page.getByTestId('live-frame').getAttribute('alt')).toBe(`Live view of ${url}`);
    expect(await screencastsBecome(fleet.url, 1)).toBe(1);
    await checkPage(page, 'run-monitor-live');

    // Cross-site WebSocket hijacking: the member's cookies with another site's Origin are refused; the app's own origin is not.
    const cookie = (await context.cookies(inject('edgeUrl'))).map((c) => `${c.name}=${c.value}`).join('; ');
    const taskId = ((await pageApi(page, 'GET', `/v1/runs/${runId}/live`)).body.data as Array<{ taskId: string }>)[0]!.taskId;
    const path = `/v1/runs/${runId}/tasks/${taskId}/live`;
    expect(await upgradeStatusWith(path, { cookie, origin: inject('fixtureUrl') })).toBe(403);
    expect(await upgradeStatusWith(path, { cookie })).toBe(403);
    expect(await upgradeStatusWith(path, { cookie, origin: inject('edgeUrl') })).toBe(101);

    await page.getByTestId('stop-watching').click();
    expect(await page.getByTestId('live-view').count()).toBe(0);
    expect(await screencastsBecome(fleet.url, 0)).toBe(0);
    await context.close();
  }, 90_000);

  it('login hand-off: a one-time-code sign-in typed through the live view is sealed into the login, never shown, and serves a run', async () => {
    const fixture = inject('fixtureUrl');
    const login = await api(a.key, 'POST', '/v1/logins', { name: 'otp', storageState: { cookies: [], origins: [] } });
    expect(login.status, login.text).toBe(201);
    const loginId = String(login.body.id);
    expect(await upgradeStatusWith(`/v1/logins/${loginId}/handoff?url=${encodeURIComponent(`${fixture}/live/otp/login`)}`, { authorization: `Bearer ${b.key}` })).toBe(404);

    const view = await handoff(a.key, loginId, `${fixture}/live/otp/login`);
    await view.until((m) => m.type === 'navigated' && m.url === `${fixture}/live/otp/login`, 'sign-in page');
    await view.until((m) => m.type === 'frame', 'frame');
    // As a person: Tab to the field, type, Tab, type, Enter; then the code from "their mail".
    for (const m of [{ type: 'key', action: 'press', key: 'Tab' }, { type: 'text', text: LOGIN.user }, { type: 'key', action: 'press', key: 'Tab' },
      { type: 'text', text: LOGIN.password }, { type: 'key', action: 'press', key: 'Enter' }]) view.send(m);
    await view.until((m) => m.type === 'navigated' && m.url === `${fixture}/live/otp/code`, 'code page');
    const code = await (await fetch(`${fixture}/live/otp/last-code`)).text();
    expect(code).toMatch(/^\d{6}$/);
    for (const m of [{ type: 'key', action: 'press', key: 'Tab' }, { type: 'text', text: code }, { type: 'key', action: 'press', key: 'Enter' }]) view.send(m);
    await view.until((m) => m.type === 'navigated' && m.url === `${fixture}/live/otp/orders`, 'orders page');
    view.send({ type: 'save' });
    await view.until((m) => m.type === 'saved', 'saved');
    expect(view.got.find((m) => m.type === 'saved')?.loginId).toBe(loginId);
    expect(view.got.filter((m) => m.type === 'state')).toEqual([]);
    const listed = (await api<{ data: Array<{ id: string; hasStorageState: boolean; stateSavedAt: number | null }> }>(a.key, 'GET', '/v1/logins')).body.data.find((l) => l.id === loginId);
    expect(listed?.stateSavedAt).not.toBeNull();

    const job = await api(a.key, 'POST', '/v1/jobs', { name: 'otp orders', spec: { startUrls: [`${fixture}/live/otp/orders`], itemSelector: 'li.product', fields: ROW_FIELDS, login: { id: loginId }, retry: { maxAttempts: 1 } } });
    expect(job.status, job.text).toBe(201);
    const run = await api(a.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    expect(run.status, run.text).toBe(201);
    expect((await waitForRun(a.key, String(run.body.id))).status).toBe('succeeded');
    const results = await api(a.key, 'GET', `/v1/runs/${String(run.body.id)}/results?format=json`);
    expect(results.body).toEqual(OTP_RECORDS.map((x) => ({ sku: x.sku, name: x.name, price: x.price })));
  }, 90_000);

  it('App: the login hand-off screen: a person signs in with a one-time code in the live browser and saves the session', async () => {
    const fixture = inject('fixtureUrl');
    const { context, page } = await signIn(browser, `handoff-${Date.now().toString(36)}`);
    const made = await pageApi(page, 'POST', '/v1/logins', { name: 'by hand', storageState: { cookies: [], origins: [] } });
    expect(made.status).toBe(201);
    // Where the fields are on the 1280×800 page the session shows, as a person sees them.
    const probe = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const boxOf = async (path: string, selector: string) => {
      await probe.goto(`${fixture}${path}`);
      return (await probe.locator(selector).boundingBox())!;
    };
    const [userBox, passwordBox, codeBox] = [await boxOf('/live/otp/login', 'input[name="user"]'), await boxOf('/live/otp/login', 'input[name="password"]'), await boxOf('/live/otp/code', 'input[name="code"]')];
    await probe.close();

    await page.goto(`${inject('edgeUrl')}/app/settings/`);
    await page.getByTestId('handoff-start').click();
    await page.getByTestId('handoff-url').fill(`${fixture}/live/otp/login`);
    await page.getByTestId('handoff-open').click();
    await waitForLiveFrame(page);
    await checkPage(page, 'login-handoff');
    const surface = page.getByTestId('live-surface');
    const clickAt = async (b: { x: number; y: number; height: number }) => {
      const s = (await surface.boundingBox())!;
      const k = s.width / 1280;
      await surface.click({ position: { x: (b.x + 8) * k, y: (b.y + b.height / 2) * k } });
    };
    await clickAt(userBox);
    await page.keyboard.type(LOGIN.user);
    await clickAt(passwordBox);
    await page.keyboard.type(LOGIN.password);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('live-url').inputValue().catch(() => ''), { timeout: 20_000 }).toBe(`${fixture}/live/otp/code`);
    await page.waitForTimeout(300);
    await clickAt(codeBox);
    await page.keyboard.type(await (await fetch(`${fixture}/live/otp/last-code`)).text());
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('live-url').inputValue().catch(() => ''), { timeout: 20_000 }).toBe(`${fixture}/live/otp/orders`);
    await page.getByTestId('handoff-save').click();
    await expect.poll(() => page.getByTestId('handoff-state').getAttribute('data-state').catch(() => null), { timeout: 20_000 }).toBe('saved');
    const logins = (await pageApi(page, 'GET', '/v1/logins')).body.data as Array<{ id: string; stateSavedAt: number | null }>;
    expect(logins.find((l) => l.id === String(made.body.id))?.stateSavedAt).not.toBeNull();
    await context.close();
  }, 120_000);
});
