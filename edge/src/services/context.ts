import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { schema } from '@trawl/db';
import type { Env } from '../env.ts';
import type { Logger } from '../lib/log.ts';
import type { Role } from '@trawl/db';

export type Db = DrizzleD1Database<typeof schema>;

export interface Actor {
  orgId: string;
  keyId: string;
  role: Role;
  scopes: string[];
}

/** Everything a service verb needs, built once per request (or per queue batch / cron tick). */
export interface ServiceContext {
  env: Env;
  db: Db;
  log: Logger;
  requestId: string;
  /** Absolute base URL of this edge (for callbacks and links). */
  baseUrl: string;
}

export interface ActorContext extends ServiceContext {
  actor: Actor;
}

export function createDb(env: Env): Db {
  return drizzle(env.DB, { schema });
}
