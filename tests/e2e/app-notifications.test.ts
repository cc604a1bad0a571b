import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { ERRORS } from '@trawl/schemas';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn } from './app-helpers.ts';
import { startReceiver, until, type Receiver } from './notify-receivers.ts';

/**
 * Issue #14 (ADR 0059): the app's Notifications screens, driven by a signed-in owner in Chromium. The webhook receiver
 * listens on the one host:port global-setup allows as NOTIFY_EGRESS_ALLOW (as notifications.test.ts does); the
 * secret the screen shows once is what verifies its signature, with the specification's own library.
 */
describe('app: notification endpoints, a job\'s subscriptions, the delivery log and redelivery', () => {
  let browser: Browser;
  let fleet: FleetNode;
  let receiver: Receiver;
  const edgeUrl = inject('edgeUrl');
  beforeAll(async () => {
    [browser, fleet, receiver] = await Promise.all([launchChromium(), startFleet({ edgeUrl, secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 }),
      startReceiver(inject('notifyPorts').webhook)]);
  });
  afterAll(async () => { await Promise.all([browser?.close(), fleet?.stop(), receiver?.close()]); });

  it('creates a webhook (secret once), refuses a private address, subscribes a job, shows the delivery and sends it again; a Viewer only reads', async () => {
    const who = `notifyui-${Date.now().toString(36)}`;
    const { page } = await signIn(browser, who);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${edgeUrl}/app/settings/`);
    const form = page.getByTestId('endpoint-form');

    // A private address: the API's code and hint are shown, nothing is created.
    await form.getByTestId('endpoint-name').fill('internal');
    await form.getByTestId('endpoint-target').fill('http://10.0.0.7/hook');
    await page.getByTestId('endpoint-create').click();
    const refusal = page.locator('#notify-head ~ .error-box');
    await expect.poll(() => refusal.getAttribute('data-code')).toBe('UNREACHABLE_TARGET');
    expect(await refusal.getByTestId('error-hint').textContent()).toBe(`Hint: ${ERRORS.UNREACHABLE_TARGET.hint}`);
    expect(await page.getByTestId('endpoint-row').count()).toBe(0);

    // The receiver: created, its secret shown once (gone after a reload).
    await form.getByTestId('endpoint-name').fill('Receiver');
    await form.getByTestId('endpoint-target').fill(`${receiver.url}/ok`);
    await page.getByTestId('endpoint-create').click();
    const secret = String(await page.getByTestId('endpoint-secret').textContent());
    expect(secret).toMatch(/^whsec_/);
    await expect.poll(() => page.getByTestId('endpoint-row').count()).toBe(1);
    expect(await page.getByTestId('endpoint-state').textContent()).toBe('Enabled');
    await checkPage(page, 'settings-notifications');
    await page.reload();
    await expect.poll(() => page.getByTestId('endpoint-row').count()).toBe(1);
    expect(await page.getByTestId('endpoint-secret').count()).toBe(0);
    const endpointId = String(((await pageApi(page, 'GET', '/v1/notifications/endpoints')).body.data as Array<{ id: string }>)[0]!.id);

    // A job of one demo page, subscribed to run.finished on its Notifications page (linked from the jobs list).
    const job = await pageApi(page, 'POST', '/v1/jobs', { name: 'Notified catalog', spec: { ...demoJobSpec(inject('demoUrl')), pagination: undefined, retry: { maxAttempts: 1 } } });
    expect(job.status).toBe(201);
    const jobId = String(job.body.id);
    await page.goto(`${edgeUrl}/app/jobs/`);
    await page.getByTestId('job-notifications').first().click();
    await page.waitForURL(`${edgeUrl}/app/jobs/notifications/?id=${jobId}`);
    await page.getByTestId(`sub-run.finished-${endpointId}`).check();
    await page.getByTestId('job-notify-save').click();
    await expect.poll(() => page.locator('[data-testid="job-notify-form"] [role="status"]').textContent()).toBe('Notifications saved.');
    expect((await pageApi(page, 'GET', `/v1/jobs/${jobId}/notifications`)).body).toEqual({ subscriptions: [{ event: 'run.finished', endpointId }] });
    await checkPage(page, 'job-notifications');

    // One run: exactly one delivery, signed with the secret the screen showed.
    const run = await pageApi(page, 'POST', `/v1/jobs/${jobId}/runs`);
    expect(run.status).toBe(201);
    const first = await until(() => receiver.requests.filter((r) => r.path === '/ok' && r.body.includes(String(run.body.id))), (r) => r.length >= 1, 60_000);
    const verified = new Webhook(secret).verify(first[0]!.body, { 'webhook-id': first[0]!.id, 'webhook-timestamp': first[0]!.timestamp, 'webhook-signature': first[0]!.signature }) as { type: string; data: { jobId: string } };
    expect([verified.type, verified.data.jobId]).toEqual(['run.finished', jobId]);
    await until(() => pageApi(page, 'GET', `/v1/notifications/endpoints/${endpointId}/deliveries`), (r) => (r.body.data as Array<{ status: string }>)[0]?.status === 'delivered');
    expect(receiver.requests.filter((r) => r.id === first[0]!.id).length).toBe(1);

    // The delivery log shows it; "Send again" gives the receiver a second request with the same webhook-id.
    await page.goto(`${edgeUrl}/app/settings/`);
    await page.getByTestId('endpoint-log').click();
    await expect.poll(() => page.getByTestId('delivery-row').count()).toBe(1);
    expect([await page.getByTestId('delivery-status').textContent(), await page.getByTestId('delivery-code').textContent(), await page.getByTestId('delivery-attempts').textContent()]).toEqual(['Delivered', '204', '1']);
    await checkPage(page, 'settings-notifications-log');
    await page.evaluate(() => localStorage.setItem('trawl.lang', 'ko'));
    await page.reload();
    await page.getByTestId('endpoint-log').click();
    await page.getByRole('button', { name: '다시 보내기' }).click();
    await until(() => receiver.requests.filter((r) => r.id === first[0]!.id), (r) => r.length === 2, 30_000);
    await page.getByRole('button', { name: '새로 고침' }).click();
    await expect.poll(() => page.getByTestId('delivery-attempts').textContent()).toBe('2');
    expect(receiver.requests.filter((r) => r.path === '/ok' && r.body.includes(String(run.body.id))).map((r) => r.id)).toEqual([first[0]!.id, first[0]!.id]);
    await checkPage(page, 'settings-notifications-ko');
    await page.evaluate(() => localStorage.setItem('trawl.lang', 'en'));

    // A Viewer: the API lets only owners and admins read endpoints (they carry URLs), so the section says why and
    // every change is disabled with the reason; the job's page shows its subscription read-only.
    const invite = await pageApi(page, 'POST', '/v1/invitations', { role: 'viewer' });
    const { page: viewer } = await signIn(browser, `${who}-viewer`, new URL(String(invite.body.link)).pathname);
    await viewer.goto(`${edgeUrl}/app/settings/`);
    const section = viewer.locator('section[aria-labelledby="notify-head"]');
    await expect.poll(() => section.locator('p.why-disabled').first().textContent()).toBe('Your role may not see this (notifications:read).');
    const create = viewer.getByTestId('endpoint-create');
    expect(await create.isDisabled()).toBe(true);
    expect(await viewer.locator(`#${await create.getAttribute('aria-describedby')}`).textContent()).toBe('Your role (Viewer) may not do this (notifications:write).');
    expect(await viewer.getByTestId('endpoint-row').count()).toBe(0);
    await checkPage(viewer, 'settings-notifications-viewer');
    await viewer.goto(`${edgeUrl}/app/jobs/notifications/?id=${jobId}`);
    await expect.poll(() => viewer.getByTestId(`sub-run.finished-${endpointId}`).isChecked()).toBe(true);
    expect([await viewer.getByTestId(`sub-run.finished-${endpointId}`).isDisabled(), await viewer.getByTestId('job-notify-save').isDisabled()]).toEqual([true, true]);
    const save = viewer.getByTestId('job-notify-save');
    expect(await viewer.locator(`#${await save.getAttribute('aria-describedby')}`).textContent()).toBe('Your role (Viewer) may not do this (jobs:write).');
    await checkPage(viewer, 'job-notifications-viewer');
    expect((await pageApi(viewer, 'POST', `/v1/notifications/deliveries/${first[0]!.id}/redeliver`)).status).toBe(403);
  }, 120_000);
});
