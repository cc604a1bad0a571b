import { z } from 'zod';
import type { RunCoordinator } from './coordinator/run-coordinator.ts';
import type { TaskMessage } from './queue/messages.ts';

/** The Worker's bindings. Vars are validated once per isolate by `configOf`. */
export interface Env {
  DB: D1Database;
  BUCKET: R2Bucket;
  RUN_COORDINATOR: DurableObjectNamespace<RunCoordinator>;
  TASKS: Queue<TaskMessage>;
  ASSETS?: Fetcher;
  ENVIRONMENT?: string;
  LEASE_MS?: string;
  DISPATCH_TIMEOUT_MS?: string;
  PUBLIC_URL?: string;
  FLEET_SECRET?: string;
  ADMIN_TOKEN?: string;
}

const Config = z.object({
  environment: z.enum(['production', 'development', 'test']),
  leaseMs: z.coerce.number().int().min(1000).max(600_000),
  dispatchTimeoutMs: z.coerce.number().int().min(1000).max(3600_000),
  publicUrl: z.url().optional(),
  fleetSecret: z.string().min(16, 'FLEET_SECRET must be set (at least 16 characters) so the edge and the fleet can sign requests'),
  adminToken: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters').optional(),
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
    adminToken: env.ADMIN_TOKEN || undefined,
  });
  if (!parsed.success) {
    throw new Error(`Invalid Worker configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
