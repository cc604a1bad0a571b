import { z } from 'zod';
import type { Env } from './bindings.ts';

// The bindings' type lives in bindings.ts (type-only imports of the Durable Object classes, issue #15 §6); re-exported
// here so every `import type { Env } from '../env.ts'` keeps working.
export type { Env };

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
