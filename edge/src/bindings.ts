/**
 * The Worker's bindings (wrangler.toml). Type-only imports on purpose: the Durable Object classes import the config
 * (env.ts), so the bindings' type must not import them at runtime (issue #15 §6; import-cycles.test.ts checks).
 */
import type { RunCoordinator } from './coordinator/run-coordinator.ts';
import type { TaskMessage } from './queue/messages.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import type { SlotLimiter } from './rate-limit/slot-limiter.ts';
import type { BrowserSession } from './browser-session/browser-session.ts';
import type { NotifyMessage } from './notify/messages.ts';

/** The Worker's bindings. Vars are validated once per isolate by `configOf` (env.ts). */
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
