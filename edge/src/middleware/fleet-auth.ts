import type { MiddlewareHandler } from 'hono';
import { verifyRequest } from '@trawl/schemas';
import type { AppEnv } from '../app.ts';
import { configOf } from '../env.ts';
import { ApiError } from '../lib/errors.ts';

/** Internal routes accept only requests signed by a fleet node with the shared secret. */
export const requireFleetSignature: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Bytes, not text: artifact uploads are binary, and a JSON body hashes the same either way.
  const body = new Uint8Array(await c.req.raw.clone().arrayBuffer());
  const failure = await verifyRequest(configOf(c.env).fleetSecret, c.req.raw.headers, c.req.method, new URL(c.req.url).pathname, body);
  if (failure) throw new ApiError('UNAUTHORIZED', `Fleet signature ${failure}`);
  await next();
};
