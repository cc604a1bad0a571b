import type { MiddlewareHandler } from 'hono';
import { newId } from '@trawl/schemas';
import type { AppEnv } from '../app.ts';
import { configOf } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { createDb } from '../services/context.ts';

/** Builds the per-request services from the bindings (no module-level clients) and tags the request. */
export const init: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = newId('req');
  const config = configOf(c.env);
  const log = createLogger({ requestId });
  c.set('requestId', requestId);
  c.set('log', log);
  c.set('services', { env: c.env, db: createDb(c.env), log, requestId, baseUrl: config.publicUrl ?? new URL(c.req.url).origin });
  await next();
  c.header('x-request-id', requestId);
};
