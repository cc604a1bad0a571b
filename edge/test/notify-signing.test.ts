import { afterEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, webhookHeaders } from '../src/notify/sign.ts';

// The verifier is the specification's own library (standardwebhooks), not ours: what it accepts is what receivers accept.
const body = JSON.stringify({ type: 'run.finished', timestamp: '2026-11-30T12:00:00.000Z', data: { jobId: 'job_1', counts: { items: 3 } } });
const id = 'msg_0000000001abcdefghijkl';
const nowSeconds = () => Math.floor(Date.now() / 1000);

afterEach(() => { vi.useRealTimers(); });

describe('Standard Webhooks signatures', () => {
  it('makes secrets as the specification writes them: whsec_ and 32 random bytes in base64', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(a.slice(6)).length).toBe(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('signs so that the reference verifier accepts the body and gives it back', async () => {
    const secret = newWebhookSecret();
    const headers = await webhookHeaders([secret], id, nowSeconds(), body);
    expect(headers['webhook-id']).toBe(id);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('is refused by the verifier when the body is tampered with, the id changed, or another secret is used', async () => {
    const secret = newWebhookSecret();
    const headers = await webhookHeaders([secret], id, nowSeconds(), body);
    expect(() => new Webhook(secret).verify(body.replace('"items":3', '"items":4'), headers)).toThrow('No matching signature found');
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow('No matching signature found');
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow('No matching signature found');
  });

  it('is refused as a replay once its timestamp is older than the verifier\'s window', async () => {
    const secret = newWebhookSecret();
    const headers = await webhookHeaders([secret], id, nowSeconds(), body);
    vi.useFakeTimers({ now: Date.now() + 6 * 60_000 });
    expect(() => new Webhook(secret).verify(body, headers)).toThrow('Message timestamp too old');
  });

  it('during a rotation carries two signatures, and each secret alone verifies', async () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = await webhookHeaders([current, previous], id, nowSeconds(), body);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    const afterOverlap = await webhookHeaders([current], id, nowSeconds(), body);
    expect(() => new Webhook(previous).verify(body, afterOverlap)).toThrow('No matching signature found');
  });
});
