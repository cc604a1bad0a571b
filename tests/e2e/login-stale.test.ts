import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OTP_RECORDS } from '../../fixtures/src/live-pages.ts';
import { LOGIN } from '../../fixtures/src/data.ts';
import { ROW_FIELDS } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn, waitForLiveFrame } from './app-helpers.ts';
import { api } from './client.ts';
import { handoff } from './live-helpers.ts';
import { startReceiver, startSmtp, until, type Mailbox, type Receiver } from './notify-receivers.ts';

/**
 * Issue #13 §3, ADR 0054: a stored login that goes stale is remembered, told once by e-mail to the job's creator
 * and the organization's owners (and to subscribed webhooks), shown in the app, and redone through the hand-off.
 * Real wrangler dev, fleet node, Chromium, SMTP server and webhook receiver (global-setup's notify ports).
 */
type Body = Record<string, unknown>;
const fixture = () => inject('fixtureUrl');
const rows = OTP_RECORDS.map((x) => ({ sku: x.sku, name: x.name, price: x.price }));

let browser: Browser;
let fleet: FleetNode;
let smtp: Mailbox;
let receiver: Receiver;
beforeAll(async () => {
  const ports = inject('notifyPorts');
  [browser, fleet, smtp, receiver] = await Promise.all([launchChromium(),
    startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 }),
    startSmtp(ports.smtp), startReceiver(ports.webhook)]);
});
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await Promise.all([smtp?.close(), receiver?.close()]);
});

/** A run of the job to its end, with an API key (the app's sessions are seconds long on the test stack): its status and results. */
async function runOnce(key: string, jobId: string): Promise<{ runId: string; run: Body; results: unknown }> {
  const started = await api(key, 'POST', `/v1/jobs/${jobId}/runs`);
  expect(started.status, started.text).toBe(201);
  const runId = String(started.body.id);
  const run = await until(() => api(key, 'GET', `/v1/runs/${runId}`), (r) => !['queued', 'running'].includes(String(r.body.status)), 60_000);
  const results = (await api(key, 'GET', `/v1/runs/${runId}/results?format=json`)).body;
  return { runId, run: run.body, results };
}

const staleHooks = (runId?: string) => receiver.requests.map((r) => JSON.parse(r.body) as { type: string; data: Body })
  .filter((p) => p.type === 'login.stale' && (!runId || p.data.runId === runId));

describe('a stale stored login', () => {
  it('is remembered, e-mailed once to the job\'s creator and the owners, shown in the app, and redone through the hand-off', async () => {
    const who = `stale-${Date.now().toString(36)}`;
    const { context, page: firstPage } = await signIn(browser, `${who}-owner`);
    let owner = firstPage;
    const invite = await pageApi(owner, 'POST', '/v1/invitations', { role: 'editor' });
    expect(invite.status).toBe(201);
    const { context: editorContext, page: editor } = await signIn(browser, `${who}-editor`, new URL(String(invite.body.link)).pathname);
    const [ownerEmail, editorEmail] = [String(((await pageApi(owner, 'GET', '/v1/me')).body.user as Body).email), String(((await pageApi(editor, 'GET', '/v1/me')).body.user as Body).email)];
    expect(ownerEmail).not.toBe(editorEmail);

    // The editor stores the login and makes the job; the one-time-code sign-in is completed through the API's hand-off socket.
    const login = await pageApi(editor, 'POST', '/v1/logins', { name: 'coded', storageState: { cookies: [], origins: [] } });
    expect(login.status).toBe(201);
    const loginId = String(login.body.id);
    expect(login.body.stale).toBeNull();
    const job = await pageApi(editor, 'POST', '/v1/jobs', { name: 'coded orders', spec: { startUrls: [`${fixture()}/live/otp/orders`], itemSelector: 'li.product', fields: ROW_FIELDS, login: { id: loginId }, retry: { maxAttempts: 1 } } });
    expect(job.status).toBe(201);
    const jobId = String(job.body.id);
    const key = await pageApi(owner, 'POST', '/v1/keys', { kind: 'secret', name: 'stale-test', role: 'owner', scopes: ['*'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const ownerKey = String(key.body.key);
    const view = await handoff(ownerKey, loginId, `${fixture()}/live/otp/login`);
    await view.until((m) => m.type === 'frame', 'frame');
    for (const m of [{ type: 'key', action: 'press', key: 'Tab' }, { type: 'text', text: LOGIN.user }, { type: 'key', action: 'press', key: 'Tab' },
      { type: 'text', text: LOGIN.password }, { type: 'key', action: 'press', key: 'Enter' }]) view.send(m);
    await view.until((m) => m.type === 'navigated' && m.url === `${fixture()}/live/otp/code`, 'code page');
    for (const m of [{ type: 'key', action: 'press', key: 'Tab' }, { type: 'text', text: await (await fetch(`${fixture()}/live/otp/last-code`)).text() }, { type: 'key', action: 'press', key: 'Enter' }]) view.send(m);
    await view.until((m) => m.type === 'navigated' && m.url === `${fixture()}/live/otp/orders`, 'orders page');
    view.send({ type: 'save' });
    await view.until((m) => m.type === 'saved', 'saved');

    const hook = await pageApi(owner, 'POST', '/v1/notifications/endpoints', { kind: 'webhook', name: 'stale hook', url: `${receiver.url}/ok` });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const subs = await pageApi(owner, 'PUT', `/v1/jobs/${jobId}/notifications`, { subscriptions: [{ event: 'login.stale', endpointId: String((hook.body.endpoint as Body).id) }] });
    expect(subs.status, JSON.stringify(subs.body)).toBe(200);

    const first = await runOnce(ownerKey, jobId);
    expect([first.run.status, first.results]).toEqual(['succeeded', rows]);

    // The site signs everyone out: the next run fails its page, the login remembers it, the owners are told once.
    expect((await fetch(`${fixture()}/live/otp/revoke`, { method: 'POST' })).status).toBe(204);
    const failing = await runOnce(ownerKey, jobId);
    expect(failing.run.status).toBe('failed');
    expect((failing.run.error as Body).code).toBe('LOGIN_REQUIRED');
    const stale = (await api(ownerKey, 'GET', `/v1/logins/${loginId}`)).body;
    expect([stale.stale && (stale.stale as Body).reason, stale.stale && (stale.stale as Body).runId]).toEqual(['LOGIN_REQUIRED', failing.runId]);
    expect(((await api<{ data: Body[] }>(ownerKey, 'GET', '/v1/logins')).body.data).find((l) => l.id === loginId)?.stale).toEqual(stale.stale);
    const [mail] = await until(() => smtp.mails.filter((m) => m.text?.includes(loginId)), (m) => m.length === 1);
    expect([mail!.subject, (mail!.to as { text: string }).text]).toEqual(['Trawl: stored login "coded" needs signing in again', [editorEmail, ownerEmail].sort().join(', ')]);
    expect(mail!.text).toContain(`${inject('edgeUrl')}/app/settings/?handoff=${loginId}#logins-head`);
    expect((await until(() => staleHooks(failing.runId), (h) => h.length === 1)).map((h) => [h.data.loginId, h.data.code])).toEqual([[loginId, 'LOGIN_REQUIRED']]);

    // A second failing run: its webhook (per run), but no second e-mail; the login still names the first run.
    const again = await runOnce(ownerKey, jobId);
    expect(again.run.status).toBe('failed');
    await until(() => staleHooks(again.runId), (h) => h.length === 1);
    expect(smtp.mails.filter((m) => m.text?.includes(loginId)).length).toBe(1);
    expect(((await api(ownerKey, 'GET', `/v1/logins/${loginId}`)).body.stale as Body).runId).toBe(failing.runId);

    // Where the fields are on the 1280×800 page the session shows, as a person sees them (as live-view.test.ts does).
    const probe = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const boxOf = async (path: string, selector: string) => {
      await probe.goto(`${fixture()}${path}`);
      return (await probe.locator(selector).boundingBox())!;
    };
    const [userBox, passwordBox, codeBox] = [await boxOf('/live/otp/login', 'input[name="user"]'), await boxOf('/live/otp/login', 'input[name="password"]'), await boxOf('/live/otp/code', 'input[name="code"]')];
    await probe.close();
    // The app: the job editor's notice, in Korean, and "다시 로그인" opens the hand-off, where the owner signs in as a person.
    await owner.goto(`${inject('edgeUrl')}/app/jobs/edit/?id=${jobId}`);
    await owner.getByTestId('lang-switch').selectOption('ko');
    await owner.getByTestId('stale-login-notice').waitFor({ timeout: 20_000 });
    expect(await owner.getByTestId('stale-relogin').textContent()).toBe('다시 로그인');
    await checkPage(owner, 'stale-login-notice');
    await owner.getByTestId('stale-relogin').click();
    await owner.getByTestId('login-handoff').waitFor({ timeout: 20_000 });
    expect(await owner.locator(`[data-login="${loginId}"] [data-testid="login-stale"]`).textContent()).toBe('로그인 만료됨');
    await checkPage(owner, 'stale-login-settings');
    // The hand-off itself in a fresh sign-in (the test stack's app sessions last seconds), from the e-mail's link.
    const fresh = await signIn(browser, `${who}-owner`);
    await context.close();
    owner = fresh.page;
    await owner.goto(`${inject('edgeUrl')}/app/settings/?handoff=${loginId}`);
    await owner.getByTestId('login-handoff').waitFor({ timeout: 20_000 });
    await owner.getByTestId('handoff-url').fill(`${fixture()}/live/otp/login`);
    await owner.getByTestId('handoff-open').click();
    await waitForLiveFrame(owner);
    const surface = owner.getByTestId('live-surface');
    const clickAt = async (b: { x: number; y: number; height: number }) => {
      const s = (await surface.boundingBox())!;
      const k = s.width / 1280;
      await surface.click({ position: { x: (b.x + 8) * k, y: (b.y + b.height / 2) * k } });
    };
    await clickAt(userBox);
    await owner.keyboard.type(LOGIN.user);
    await clickAt(passwordBox);
    await owner.keyboard.type(LOGIN.password);
    await owner.keyboard.press('Enter');
    await expect.poll(() => owner.getByTestId('live-url').inputValue().catch(() => ''), { timeout: 20_000 }).toBe(`${fixture()}/live/otp/code`);
    await owner.waitForTimeout(300);
    await clickAt(codeBox);
    await owner.keyboard.type(await (await fetch(`${fixture()}/live/otp/last-code`)).text());
    await owner.keyboard.press('Enter');
    await expect.poll(() => owner.getByTestId('live-url').inputValue().catch(() => ''), { timeout: 20_000 }).toBe(`${fixture()}/live/otp/orders`);
    await owner.getByTestId('handoff-save').click();
    await expect.poll(() => owner.getByTestId('handoff-state').getAttribute('data-state').catch(() => null), { timeout: 20_000 }).toBe('saved');
    expect((await api(ownerKey, 'GET', `/v1/logins/${loginId}`)).body.stale).toBeNull();

    const recovered = await runOnce(ownerKey, jobId);
    expect([recovered.run.status, recovered.results]).toEqual(['succeeded', rows]);
    await Promise.all([fresh.context.close(), editorContext.close()]);
  }, 150_000);
});
