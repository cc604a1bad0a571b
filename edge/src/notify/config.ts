import { z } from 'zod';
import { canonicalHost } from '@trawl/schemas';
import type { Env } from '../env.ts';

/**
 * Notification settings (ADR 0046), validated once per isolate and failing closed like `configOf`. Kept apart
 * from env.ts so the delivery knobs live next to the code that uses them.
 */
const HostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:[\]/\s]+):(\d{1,5})$/, 'give host:port (no CIDRs, a port is required)');
const NotifyConfig = z.object({
  production: z.boolean(),
  /** First retry after this many seconds, doubling per attempt (capped at 12 h, the queue's longest delay). */
  retryBaseSeconds: z.coerce.number().int().min(0).max(3600),
  /** Automatic attempts per delivery (the queue's max_retries in wrangler.toml must be at least this minus one). */
  maxAttempts: z.coerce.number().int().min(1).max(10),
  /** Failed attempts in a row after which an endpoint is disabled and the organization's owners are e-mailed. */
  disableAfter: z.coerce.number().int().min(1).max(10_000),
  timeoutMs: z.coerce.number().int().min(100).max(60_000),
  /** How long a rotated-out secret keeps signing beside the new one. */
  secretOverlapMs: z.coerce.number().int().min(0).max(30 * 24 * 3600_000),
  /** Private host:port pairs webhooks may reach anyway (the local stack's receivers). Never in production. */
  egressAllow: z.array(HostPort),
  /** DNS-over-HTTPS (JSON) resolver a webhook's host name is resolved with before each attempt. */
  dohUrl: z.url(),
  /** smtp://[user:pass@]host:port (STARTTLS when offered) or smtps://... (TLS): where e-mail goes. */
  smtpUrl: z.url().refine((u) => /^smtps?:/.test(u), 'smtp:// or smtps://').optional(),
  emailFrom: z.email(),
}).refine((c) => !(c.production && c.egressAllow.length), { message: 'NOTIFY_EGRESS_ALLOW is a local-stack setting and is refused in production', path: ['egressAllow'] });
export type NotifyConfig = z.infer<typeof NotifyConfig>;

const cache = new WeakMap<object, NotifyConfig>();

export function notifyConfigOf(env: Env): NotifyConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = NotifyConfig.safeParse({
    production: (env.ENVIRONMENT ?? 'production') === 'production',
    retryBaseSeconds: env.NOTIFY_RETRY_BASE_SECONDS ?? '30',
    maxAttempts: env.NOTIFY_MAX_ATTEMPTS ?? '8',
    disableAfter: env.NOTIFY_DISABLE_AFTER ?? '40',
    timeoutMs: env.NOTIFY_TIMEOUT_MS ?? '10000',
    secretOverlapMs: env.NOTIFY_SECRET_OVERLAP_MS ?? String(24 * 3600_000),
    egressAllow: (env.NOTIFY_EGRESS_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    dohUrl: env.NOTIFY_DOH_URL || 'https://cloudflare-dns.com/dns-query',
    smtpUrl: env.SMTP_URL || undefined,
    emailFrom: env.NOTIFY_EMAIL_FROM || 'notifications@trawl.invalid',
  });
  if (!parsed.success) {
    throw new Error(`Invalid notification configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

/** Whether host:port is one of the local stack's explicit allowances (compared canonically, so 127.0.0.1 = 127.1). */
export function egressAllowed(cfg: NotifyConfig, host: string, port: number): boolean {
  const h = canonicalHost(host);
  return cfg.egressAllow.some((entry) => {
    const i = entry.lastIndexOf(':');
    return Number(entry.slice(i + 1)) === port && canonicalHost(entry.slice(0, i)) === h;
  });
}

/** Seconds before automatic attempt `attempt + 1`: base · 2^(attempt-1), capped at the queue's 12 hours. */
export const retryDelaySeconds = (cfg: Pick<NotifyConfig, 'retryBaseSeconds'>, attempt: number): number =>
  Math.min(cfg.retryBaseSeconds * 2 ** Math.max(0, attempt - 1), 43_200);
