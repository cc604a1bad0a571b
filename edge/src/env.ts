import { z } from 'zod';
import type { RunCoordinator } from './coordinator/run-coordinator.ts';
import type { TaskMessage } from './queue/messages.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import type { SlotLimiter } from './rate-limit/slot-limiter.ts';
import type { BrowserSession } from './browser-session/browser-session.ts';
import type { NotifyMessage } from './notify/messages.ts';

/** The Worker's bindings. Vars are validated once per isolate by `configOf`. */
export interface Env {
  DB: D1Database;
  BUCKET: R2Bucket;
  RUN_COORDINATOR: DurableObjectNamespace<RunCoordinator>;
  TASKS: Queue<TaskMessage>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  SLOT_LIMITER: DurableObjectNamespace<SlotLimiter>;
  BROWSER_SESSION: DurableObjectNamespace<BrowserSession>;
  /** Notification deliveries (ADR 0046); the settings below are read by notify/config.ts. */
  NOTIFICATIONS: Queue<NotifyMessage>;
  NOTIFY_RETRY_BASE_SECONDS?: string;
  NOTIFY_MAX_ATTEMPTS?: string;
  NOTIFY_DISABLE_AFTER?: string;
  NOTIFY_TIMEOUT_MS?: string;
  NOTIFY_SECRET_OVERLAP_MS?: string;
  NOTIFY_EGRESS_ALLOW?: string;
  NOTIFY_DOH_URL?: string;
  NOTIFY_EMAIL_FROM?: string;
  SMTP_URL?: string;
  ASSETS?: Fetcher;
  ENVIRONMENT?: string;
  LEASE_MS?: string;
  DISPATCH_TIMEOUT_MS?: string;
  /** Test stacks only: caps the tasks queue's retry delay (seconds) so a dead letter lands in seconds. */
  QUEUE_RETRY_MAX_DELAY_S?: string;
  /** Test stacks only (ignored in production): every queue message handled twice (queue/deliver-twice.ts). */
  TEST_DELIVER_TWICE?: string;
  /** Test stacks only: events per page when a WebSocket subscriber's backlog is read (default 5,000). */
  EVENT_PAGE_SIZE?: string;
  PUBLIC_URL?: string;
  FLEET_SECRET?: string;
  /** Encrypts stored logins at rest (AES-GCM); without it the logins API refuses to store secrets. */
  CREDENTIALS_KEY?: string;
  CREDENTIALS_KEY_PREVIOUS?: string;
  ADMIN_TOKEN?: string;
  ALLOW_PRIVATE_TARGETS?: string;
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  SESSION_TTL_MS?: string;
  SITE_MAX_CONCURRENT?: string;
  SITE_MIN_DELAY_MS?: string;
  ORG_MAX_TASKS_IN_FLIGHT?: string;
  ORG_MAX_CONCURRENT_RUNS?: string;
  RATE_LIMIT_KEY_PER_MIN?: string;
  RATE_LIMIT_ORG_PER_MIN?: string;
  /** Unit prices for the usage report's estimated cost (ADR 0047), in PRICE_CURRENCY; unset: 0. */
  PRICE_PER_RUN?: string;
  PRICE_PER_PAGE?: string;
  PRICE_PER_BROWSER_HOUR?: string;
  PRICE_PER_GB_MONTH?: string;
  PRICE_CURRENCY?: string;
}

const Config = z.object({
  environment: z.enum(['production', 'development', 'test']),
  leaseMs: z.coerce.number().int().min(1000).max(600_000),
  dispatchTimeoutMs: z.coerce.number().int().min(1000).max(3600_000),
  publicUrl: z.url().optional(),
  fleetSecret: z.string().min(16, 'FLEET_SECRET must be set (at least 16 characters) so the edge and the fleet can sign requests'),
  credentialsKey: z.string().min(32, 'CREDENTIALS_KEY must be at least 32 characters').optional(),
  /** Keys of before a rotation, comma-separated: still read, never used to seal. */
  credentialsKeysPrevious: z.array(z.string().min(32, 'each CREDENTIALS_KEY_PREVIOUS entry must be at least 32 characters')),
  adminToken: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters').optional(),
  allowPrivateTargets: z.boolean(),
  oidcIssuer: z.url().optional(),
  oidcClientId: z.string().min(1).optional(),
  oidcClientSecret: z.string().min(1).optional(),
  sessionTtlMs: z.coerce.number().int().min(1000).max(24 * 3600_000),
  siteMaxConcurrent: z.coerce.number().int().min(1).max(1000),
  siteMinDelayMs: z.coerce.number().int().min(0).max(600_000),
  orgMaxTasksInFlight: z.coerce.number().int().min(1).max(100_000),
  orgMaxConcurrentRuns: z.coerce.number().int().min(1).max(10_000),
  rateLimitKeyPerMinute: z.coerce.number().int().min(1),
  rateLimitOrgPerMinute: z.coerce.number().int().min(1),
  prices: z.object({
    perRun: z.coerce.number().min(0), perPage: z.coerce.number().min(0), perBrowserHour: z.coerce.number().min(0), perGbMonth: z.coerce.number().min(0),
    currency: z.string().regex(/^[A-Z]{3}$/, 'PRICE_CURRENCY must be a three-letter code such as USD'),
  }),
}).refine((c) => !(c.environment === 'production' && c.allowPrivateTargets), {
  message: 'ALLOW_PRIVATE_TARGETS is a development setting and is refused in production', path: ['allowPrivateTargets'],
});
export type Config = z.infer<typeof Config>;

const cache = new WeakMap<object, Config>();

/** Validates the Worker's configuration; throws a clear message naming each bad setting (fail closed). */
export function configOf(env: Env): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = Config.safeParse({
    environment: env.ENVIRONMENT ?? 'production',
    leaseMs: env.LEASE_MS ?? '30000',
    dispatchTimeoutMs: env.DISPATCH_TIMEOUT_MS ?? '120000',
    publicUrl: env.PUBLIC_URL || undefined,
    fleetSecret: env.FLEET_SECRET ?? '',
    credentialsKey: env.CREDENTIALS_KEY || undefined,
    credentialsKeysPrevious: (env.CREDENTIALS_KEY_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    adminToken: env.ADMIN_TOKEN || undefined,
    allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS === 'true',
    oidcIssuer: env.OIDC_ISSUER || undefined,
    oidcClientId: env.OIDC_CLIENT_ID || undefined,
    oidcClientSecret: env.OIDC_CLIENT_SECRET || undefined,
    sessionTtlMs: env.SESSION_TTL_MS ?? String(30 * 60_000),
    siteMaxConcurrent: env.SITE_MAX_CONCURRENT ?? '4',
    siteMinDelayMs: env.SITE_MIN_DELAY_MS ?? '250',
    orgMaxTasksInFlight: env.ORG_MAX_TASKS_IN_FLIGHT ?? '32',
    orgMaxConcurrentRuns: env.ORG_MAX_CONCURRENT_RUNS ?? '10',
    rateLimitKeyPerMinute: env.RATE_LIMIT_KEY_PER_MIN ?? '600',
    rateLimitOrgPerMinute: env.RATE_LIMIT_ORG_PER_MIN ?? '3000',
    prices: {
      perRun: env.PRICE_PER_RUN ?? '0', perPage: env.PRICE_PER_PAGE ?? '0', perBrowserHour: env.PRICE_PER_BROWSER_HOUR ?? '0',
      perGbMonth: env.PRICE_PER_GB_MONTH ?? '0', currency: env.PRICE_CURRENCY ?? 'USD',
    },
  });
  if (!parsed.success) {
    throw new Error(`Invalid Worker configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
