import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ERRORS } from '@trawl/schemas';
import { createOrg, startFleet, type FleetNode, type OrgCredentials } from '../../scripts/lib/stack.ts';
import { startDoh, startReceiver, startSmtp, until, type Mailbox, type Receiver } from './notify-receivers.ts';

/**
 * Notifications (ADR 0046) on the shared stack, which global-setup configures for this file: NOTIFY_EGRESS_ALLOW
 * names exactly this file's receiver host:port, e-mail goes to its SMTP server, host names resolve through its DoH
 * server, and retries are immediate (NOTIFY_RETRY_BASE_SECONDS=0) so the file takes seconds. Signatures are checked
 * with the specification's own library (standardwebhooks).
 */
const ITEMS = ['Anchor', 'Buoy', 'Compass'];
const edge = { url: inject('edgeUrl') };
const adminToken = inject('adminToken');
let fleet: FleetNode;
let site: Server;
let siteUrl = '';
let receiver: Receiver;
let smtp: Mailbox;
let doh: Awaited<ReturnType<typeof startDoh>>;
let org: OrgCredentials;

type Body = Record<string, unknown>;
async function call(method: string, path: string, body?: unknown, key = org.key): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${edge.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
}

async function endpoint(input: Body): Promise<{ id: string; secret: string | null }> {
  const res = await call('POST', '/v1/notifications/endpoints', input);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: String((res.body.endpoint as Body).id), secret: res.body.secret as string | null };
}

/** A job subscribed as given, and one run of it to its end: cancelled at once, or run to completion by the fleet. */
async function runJob(name: string, subscriptions: Array<{ event: string; endpointId: string }>, how: 'complete' | 'cancel'): Promise<{ jobId: string; runId: string }> {
  const spec = { startUrls: [siteUrl], itemSelector: 'li.item', fields: { name: { selector: '.name', required: true } }, retry: { maxAttempts: 1 } };
  const job = await call('POST', '/v1/jobs', { name, spec });
  expect(job.status).toBe(201);
  const jobId = String(job.body.id);
  const subs = await call('PUT', `/v1/jobs/${jobId}/notifications`, { subscriptions });
  expect(subs.status, JSON.stringify(subs.body)).toBe(200);
  const run = await call('POST', `/v1/jobs/${jobId}/runs`);
  expect(run.status).toBe(201);
  const runId = String(run.body.id);
  if (how === 'cancel') expect((await call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
  await until(() => call('GET', `/v1/runs/${runId}`), (r) => !['queued', 'running'].includes(String(r.body.status)), 60_000);
  return { jobId, runId };
}

interface Delivery { id: string; status: string; event: string; runId: string; attempts: Array<{ attempt: number; ok: boolean; responseCode: number | null; error: string | null; manual: boolean }> }
const deliveries = async (endpointId: string): Promise<Delivery[]> => {
  const res = await call('GET', `/v1/notifications/endpoints/${endpointId}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.data as Delivery[];
};
const settled = (endpointId: string, n = 1) => until(() => deliveries(endpointId), (d) => d.length >= n && d.every((x) => x.status !== 'pending'));
const headersOf = (r: Receiver['requests'][number]) => ({ 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature });

beforeAll(async () => {
  site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' })
    .end(`<!doctype html><ul>${ITEMS.map((n) => `<li class="item"><span class="name">${n}</span></li>`).join('')}</ul>`));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  const ports = inject('notifyPorts');
  [receiver, smtp, doh] = await Promise.all([startReceiver(ports.webhook), startSmtp(ports.smtp), startDoh(ports.doh, { 'rebind.example.com': '127.0.0.1' })]);
  [fleet, org] = await Promise.all([startFleet({ edgeUrl: edge.url, secret: inject('fleetSecret'), slots: 2, allow: [new URL(siteUrl).host] }),
    createOrg(edge.url, adminToken, 'Notify')]);
});

afterAll(async () => {
  await fleet?.stop(2000);
  await Promise.all([receiver?.close(), smtp?.close(), doh?.close(), new Promise((r) => site?.close(r))]);
});

describe('notifications', () => {
  it('refuses webhook targets on private, loopback and metadata addresses, and a name that resolves to one', async () => {
    for (const url of [`http://127.0.0.1:${receiver.port + 1}/hook`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.7/hook', 'http://[::1]/hook', 'http://localhost/hook']) {
      const res = await call('POST', '/v1/notifications/endpoints', { kind: 'webhook', name: 'private', url });
      const error = res.body.error as { code: string; hint: string; details: { issues: Array<{ path: string }> } };
      expect([res.status, error.code, error.hint, error.details.issues[0]?.path], url).toEqual([400, 'UNREACHABLE_TARGET', ERRORS.UNREACHABLE_TARGET.hint, 'url']);
    }
    // rebind.example.com looks public; the edge's resolver says 127.0.0.1, so the attempt is refused and nothing is sent.
    const rebind = await endpoint({ kind: 'webhook', name: 'rebind', url: `http://rebind.example.com:${receiver.port}/ok` });
    await runJob('rebind', [{ event: 'run.finished', endpointId: rebind.id }], 'cancel');
    const [d] = await settled(rebind.id);
    expect(d?.status).toBe('failed');
    expect(d?.attempts.map((a) => [a.ok, a.responseCode, a.error])).toEqual([[false, null,
      'refused: rebind.example.com resolves to 127.0.0.1, which is not a public address: Loopback (127.0.0.0/8, RFC1122)']]);
    expect(receiver.requests.filter((r) => r.id === d?.id)).toEqual([]);
  });

  it('signs run.finished as Standard Webhooks says and e-mails it; the verifier refuses a tampered body and a replay', async () => {
    const hook = await endpoint({ kind: 'webhook', name: 'ok', url: `${receiver.url}/ok` });
    const mail = await endpoint({ kind: 'email', name: 'ops', email: 'ops@notify.test' });
    const { jobId, runId } = await runJob('Harbour stock', [{ event: 'run.finished', endpointId: hook.id }, { event: 'run.finished', endpointId: mail.id }], 'complete');
    const [d] = await settled(hook.id);
    const got = receiver.requests.filter((r) => r.id === d?.id);
    expect(got.map((r) => [r.path, r.status])).toEqual([['/ok', 204]]);
    const payload = new Webhook(hook.secret!).verify(got[0]!.body, headersOf(got[0]!)) as { type: string; data: Body };
    expect([payload.type, payload.data.jobId, payload.data.runId, payload.data.jobName, payload.data.status, (payload.data.counts as Body).items])
      .toEqual(['run.finished', jobId, runId, 'Harbour stock', 'succeeded', ITEMS.length]);
    expect(() => new Webhook(hook.secret!).verify(got[0]!.body.replace('"succeeded"', '"failed"'), headersOf(got[0]!))).toThrow('No matching signature found');
    vi.useFakeTimers({ now: Date.now() + 6 * 60_000, toFake: ['Date'] });
    try {
      expect(() => new Webhook(hook.secret!).verify(got[0]!.body, headersOf(got[0]!))).toThrow('Message timestamp too old');
    } finally { vi.useRealTimers(); }
    const [m] = await until(() => smtp.mails.filter((x) => x.text?.includes(runId)), (x) => x.length === 1);
    expect([m?.subject, m?.from?.text, (m?.to as { text: string } | undefined)?.text]).toEqual(['Trawl: Run finished - Harbour stock', 'trawl@notify.test', 'ops@notify.test']);
    expect((await deliveries(mail.id)).map((x) => [x.status, x.attempts.length])).toEqual([['delivered', 1]]);
  });

  it('retries a receiver that fails three times: one processed delivery, same webhook-id; a redelivery is signed anew', async () => {
    const flaky = await endpoint({ kind: 'webhook', name: 'flaky', url: `${receiver.url}/flaky` });
    await runJob('flaky', [{ event: 'run.finished', endpointId: flaky.id }], 'cancel');
    const [d] = await settled(flaky.id);
    expect(d?.attempts.map((a) => [a.attempt, a.ok, a.responseCode, a.manual])).toEqual([[1, false, 500, false], [2, false, 500, false], [3, false, 500, false], [4, true, 200, false]]);
    expect(d?.status).toBe('delivered');
    const got = receiver.requests.filter((r) => r.path === '/flaky');
    expect(got.map((r) => [r.id, r.status])).toEqual([[d!.id, 500], [d!.id, 500], [d!.id, 500], [d!.id, 200]]);
    expect(receiver.processed.filter((id) => id === d!.id)).toHaveLength(1);
    for (const r of got) expect(new Webhook(flaky.secret!).verify(r.body, headersOf(r))).toMatchObject({ type: 'run.finished' });

    const redo = await call('POST', `/v1/notifications/deliveries/${d!.id}/redeliver`);
    expect(redo.status).toBe(202);
    const [again] = await settled(flaky.id);
    expect(again?.attempts.map((a) => [a.attempt, a.ok, a.responseCode, a.manual])).toContainEqual([5, true, 200, true]);
    const fifth = receiver.requests.filter((r) => r.path === '/flaky')[4]!;
    expect(fifth.id).toBe(d!.id);
    expect(new Webhook(flaky.secret!).verify(fifth.body, headersOf(fifth))).toMatchObject({ type: 'run.finished' });
    expect(receiver.processed.filter((id) => id === d!.id)).toHaveLength(1);
  });

  it('during a secret rotation signs with both secrets, each verifying alone', async () => {
    const hook = await endpoint({ kind: 'webhook', name: 'rotating', url: `${receiver.url}/ok` });
    const rotated = await call('POST', `/v1/notifications/endpoints/${hook.id}/rotate-secret`);
    expect(rotated.status).toBe(201);
    const fresh = String(rotated.body.secret);
    expect(fresh).not.toBe(hook.secret);
    await runJob('rotation', [{ event: 'run.finished', endpointId: hook.id }], 'cancel');
    const [d] = await settled(hook.id);
    const r = receiver.requests.find((x) => x.id === d?.id)!;
    expect(r.signature.split(' ')).toHaveLength(2);
    expect(new Webhook(fresh).verify(r.body, headersOf(r))).toMatchObject({ type: 'run.finished' });
    expect(new Webhook(hook.secret!).verify(r.body, headersOf(r))).toMatchObject({ type: 'run.finished' });
  });

  it('disables an endpoint after repeated failure and e-mails the organization\'s owner', async () => {
    const down = await endpoint({ kind: 'webhook', name: 'down', url: `${receiver.url}/down` });
    await runJob('down', [{ event: 'run.finished', endpointId: down.id }], 'cancel');
    const [d] = await settled(down.id);
    expect([d?.status, d?.attempts.map((a) => a.responseCode)]).toEqual(['failed', [503, 503, 503, 503]]);
    const listed = await call('GET', '/v1/notifications/endpoints');
    const row = (listed.body.data as Body[]).find((e) => e.id === down.id);
    expect([row?.enabled, row?.consecutiveFailures]).toEqual([false, 4]);
    const [m] = await until(() => smtp.mails.filter((x) => x.subject === 'Trawl: notification endpoint "down" was disabled'), (x) => x.length === 1);
    expect((m?.to as { text: string } | undefined)?.text).toBe(org.ownerEmail);
    const redo = await call('POST', `/v1/notifications/deliveries/${d!.id}/redeliver`);
    expect([redo.status, (redo.body.error as Body).code]).toEqual([409, 'CONFLICT']);
  });

  it('refuses subscriptions to another organization\'s endpoint and unknown events, and hides other organizations\' logs', async () => {
    const mine = await endpoint({ kind: 'email', name: 'mine', email: 'me@notify.test' });
    const other = await createOrg(edge.url, adminToken, 'Other');
    const job = await call('POST', '/v1/jobs', { name: 'theirs', spec: { startUrls: [siteUrl], itemSelector: 'li', fields: { a: {} } } }, other.key);
    const steal = await call('PUT', `/v1/jobs/${String(job.body.id)}/notifications`, { subscriptions: [{ event: 'run.finished', endpointId: mine.id }] }, other.key);
    expect([steal.status, (steal.body.error as Body).code]).toEqual([400, 'INVALID_REQUEST']);
    const bad = await call('PUT', `/v1/jobs/${String(job.body.id)}/notifications`, { subscriptions: [{ event: 'run.exploded', endpointId: mine.id }] }, other.key);
    expect([bad.status, (bad.body.error as Body).code]).toEqual([400, 'INVALID_REQUEST']);
    const log = await call('GET', `/v1/notifications/endpoints/${mine.id}/deliveries`, undefined, other.key);
    expect([log.status, (log.body.error as Body).code]).toEqual([404, 'NOT_FOUND']);
  });
});
