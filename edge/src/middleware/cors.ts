import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app.ts';

/**
 * The SDK in a page of another origin calls /v1 with an API key (ADR 0052). Any origin may, because the key is the
 * authority and a page can only send one it holds; credentials are never allowed (no
 * `Access-Control-Allow-Credentials`), so a browser never lets another origin read an answer made with the session
 * cookie, and requireApiKey refuses a cookie-authenticated request whose Origin is another site outright.
 */
const keyCors = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
  exposeHeaders: ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'ETag', 'Content-Disposition', 'X-Request-Id'],
  maxAge: 600,
});

/** CORS for /v1 except the routes with their own (status widget) and WebSocket upgrades (CORS does not apply). */
export function apiCors(skip: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (skip(new URL(c.req.url).pathname) || c.req.header('upgrade')?.toLowerCase() === 'websocket') return next();
    return keyCors(c, next);
  };
}
