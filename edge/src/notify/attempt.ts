import type { notificationDeliveries, notificationEndpoints } from '@trawl/db';
import type { ServiceContext } from '../services/context.ts';
import { policyOf } from '../services/policy/policy.ts';
import { notifyConfigOf } from './config.ts';
import { resolvedRefusal, webhookRefusal } from './egress.ts';
import { notificationEmail, sendEmail } from './email.ts';
import { signingSecrets } from './secrets.ts';
import { webhookHeaders } from './sign.ts';

type EndpointRow = typeof notificationEndpoints.$inferSelect;
type DeliveryRow = typeof notificationDeliveries.$inferSelect;

export interface AttemptOutcome {
  ok: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
  /** False when trying again cannot help (the target is refused): the delivery fails now. */
  retryable: boolean;
}

const MAX_ERROR = 500;

/** One attempt of one delivery: a signed POST (checked against the egress rules first) or one e-mail. */
export async function attemptDelivery(ctx: ServiceContext, endpoint: EndpointRow, delivery: DeliveryRow): Promise<AttemptOutcome> {
  const started = Date.now();
  const done = (o: Omit<AttemptOutcome, 'latencyMs'>): AttemptOutcome => ({ ...o, error: o.error?.slice(0, MAX_ERROR) ?? null, latencyMs: Date.now() - started });
  if (endpoint.kind === 'email') {
    try {
      await sendEmail(ctx.env, { to: endpoint.email ?? '', ...notificationEmail(JSON.parse(delivery.payload)) });
      return done({ ok: true, responseCode: null, error: null, retryable: false });
    } catch (err) {
      return done({ ok: false, responseCode: null, error: `sending the e-mail failed: ${String(err)}`, retryable: true });
    }
  }
  const cfg = notifyConfigOf(ctx.env);
  const url = endpoint.url ?? '';
  // Checked again at each attempt: the policy may have changed since the endpoint was saved, and DNS may now say otherwise.
  const refusal = webhookRefusal(url, await policyOf(ctx, endpoint.orgId), cfg);
  if (refusal) return done({ ok: false, responseCode: null, error: `refused: ${refusal.reason}`, retryable: false });
  try {
    const resolved = await resolvedRefusal(url, cfg);
    if (resolved) return done({ ok: false, responseCode: null, error: `refused: ${resolved}`, retryable: false });
    const now = Date.now();
    const headers = await webhookHeaders(await signingSecrets(ctx, endpoint, now), delivery.id, Math.floor(now / 1000), delivery.payload);
    // Redirects are not followed: a redirect could lead to an address that was never checked.
    const res = await fetch(url, {
      method: 'POST', body: delivery.payload, redirect: 'manual', signal: AbortSignal.timeout(cfg.timeoutMs),
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Trawl-Webhooks/1' },
    });
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return done({ ok, responseCode: res.status, error: ok ? null : `the receiver answered ${res.status}`, retryable: true });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return done({ ok: false, responseCode: null, error: timedOut ? `no answer within ${cfg.timeoutMs} ms` : String(err), retryable: true });
  }
}
