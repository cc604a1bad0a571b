import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app.ts';
import { configOf } from '../env.ts';
import { ApiError } from '../lib/errors.ts';
import type { Take } from '../rate-limit/rate-limiter.ts';

/**
 * Per key and per organization, after authentication. Answers carry the IETF RateLimit headers
 * (the tighter of the two buckets); a refusal is 429 RATE_LIMITED_API with Retry-After.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { actor } = c.get('actor');
  const config = configOf(c.env);
  const limiter = (name: string) => c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(name));
  const [byKey, byOrg] = await Promise.all([
    limiter(actor.principal).take(actor.rateLimitPerMinute ?? config.rateLimitKeyPerMinute),
    limiter(`org:${actor.orgId}`).take(config.rateLimitOrgPerMinute),
  ]);
  const tight: Take = !byKey.allowed ? byKey : !byOrg.allowed ? byOrg : byKey.remaining <= byOrg.remaining ? byKey : byOrg;
  const headers = {
    'RateLimit-Limit': String(tight.limit),
    'RateLimit-Remaining': String(tight.remaining),
    'RateLimit-Reset': String(Math.ceil(tight.resetMs / 1000)),
    'RateLimit-Policy': `${tight.limit};w=60`,
  };
  if (!tight.allowed) {
    const scope = !byKey.allowed ? 'this API key' : 'this organization';
    throw new ApiError('RATE_LIMITED_API', `Too many requests for ${scope}`, { limit: tight.limit }, { ...headers, 'Retry-After': headers['RateLimit-Reset'] });
  }
  await next();
  // A WebSocket upgrade's 101 comes from the run's Durable Object with immutable headers; it needs none of these.
  if (c.res.status === 101) return;
  for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
};
