import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { schema } from '@trawl/db';
import type { Env } from '../env.ts';
import type { Logger } from '../lib/log.ts';
import type { Role } from '@trawl/db';

export type Db = DrizzleD1Database<typeof schema>;

export interface Actor {
  orgId: string;
  /** Who acts: `key:<id>` or `user:<id>` (audit log, rate limits). */
  principal: string;
  /** The API key, for key-authenticated requests. */
  keyId: string | null;
  /** The signed-in person, for session-authenticated requests. */
  userId: string | null;
  role: Role;
  scopes: string[];
  kind: 'secret' | 'publishable';
  /** For publishable keys: the only jobs whose status they may read. */
  jobIds: string[] | null;
  /** Requests per minute this key may make (null: the default). */
  rateLimitPerMinute: number | null;
}

/** Everything a service verb needs, built once per request (or per queue batch / cron tick). */
export interface ServiceContext {
  env: Env;
  db: Db;
  log: Logger;
  requestId: string;
  /** Absolute base URL of this edge (for callbacks and links). */
  baseUrl: string;
  /** Where the request came from, for the audit log. */
  client?: { ip: string | null; userAgent: string | null };
}

export interface ActorContext extends ServiceContext {
  actor: Actor;
}

export function createDb(env: Env): Db {
  return drizzle(env.DB, { schema });
}
