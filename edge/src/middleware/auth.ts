import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { sha256Hex, timingSafeEqual } from '@trawl/schemas';
import type { AppEnv } from '../app.ts';
import { ApiError } from '../lib/errors.ts';
import { configOf } from '../env.ts';
import { touchApiKey, verifyApiKey } from '../services/keys/api-keys.ts';
import { verifySession } from '../services/auth/sessions.ts';
import { CSRF_COOKIE, SESSION_COOKIE, setSessionCookies } from '../lib/session-cookies.ts';
import type { Actor } from '../services/context.ts';
import { keyFromProtocols } from '../lib/ws-protocol.ts';

const TOUCH_EVERY_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Programs send `Authorization: Bearer <API key>`; browsers carry a session cookie. A cookie-authenticated change
 * (any method but GET/HEAD/OPTIONS) must echo the CSRF token in `x-csrf-token`. Anything else answers 401.
 */
export const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? (browserToken(c.req.url) || keyFromProtocols(c.req.header('sec-websocket-protocol')));
  const services = c.get('services');
  let actor: Actor;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new ApiError('UNAUTHORIZED', 'The Authorization header is not "Bearer <key>"');
    const key = await verifyApiKey(services.db, m[1]!);
    if (!key) throw new ApiError('UNAUTHORIZED', 'The API key is unknown, revoked or expired');
    if (key.lastUsedAt === null || Date.now() - key.lastUsedAt > TOUCH_EVERY_MS) {
      c.executionCtx.waitUntil(touchApiKey(services.db, key.keyId!).catch(() => undefined));
    }
    const { lastUsedAt: _, ...rest } = key;
    actor = rest;
  } else {
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) throw new ApiError('UNAUTHORIZED', 'No API key was sent and no one is signed in');
    const session = await verifySession(services.db, configOf(c.env).sessionTtlMs, token, getCookie(c, CSRF_COOKIE) ?? null);
    if (!session) throw new ApiError('UNAUTHORIZED', 'The session expired or was revoked; sign in again');
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = c.req.header('x-csrf-token') ?? '';
      if (!sent || !timingSafeEqual(await sha256Hex(sent), session.csrfHash)) throw new ApiError('FORBIDDEN', 'Missing or wrong x-csrf-token for a cookie-authenticated change');
    }
    // A WebSocket handshake is a GET that carries the cookie from any page that opens it (same-site pages even
    // through SameSite=Lax): only the app's own pages may open one (cross-site WebSocket hijacking, ADR 0043).
    if (c.req.header('upgrade')?.toLowerCase() === 'websocket' && !fromOwnOrigin(c.req.header('origin'), c.req.url, services.baseUrl)) {
      throw new ApiError('FORBIDDEN', 'A signed-in WebSocket must be opened by the app\'s own pages (the Origin header is not this site)');
    }
    // /v1 allows any origin with an API key (CORS, ADR 0052); with the cookie, another origin's page gets nothing,
    // even a request CORS lets through without a preflight (a GET, a form post).
    const origin = c.req.header('origin');
    if (origin !== undefined && !fromOwnOrigin(origin, c.req.url, services.baseUrl)) {
      throw new ApiError('FORBIDDEN', 'A signed-in request must come from the app\'s own pages (the Origin header is not this site); other sites\' pages use an API key');
    }
    if (session.rotated) setSessionCookies(c, session.rotated);
    actor = session.actor;
  }
  services.client = { ip: c.req.header('cf-connecting-ip') ?? null, userAgent: c.req.header('user-agent') ?? null };
  services.log = services.log.child({ orgId: actor.orgId });
  c.set('actor', { ...services, actor });
  await next();
};

const BADGE_PATH = /^\/v1\/public\/jobs\/[^/]+\/badge\.svg$/;
const isStatusPath = (path: string) => path === '/v1/status' || BADGE_PATH.test(path);
/** Whether a browser's `Origin` is this site (its public URL, or the address the request came to). */
export function fromOwnOrigin(origin: string | undefined, requestUrl: string, baseUrl: string): boolean {
  if (!origin || origin === 'null') return false;
  return origin === new URL(requestUrl).origin || origin === new URL(baseUrl).origin;
}

/**
 * /v1/browser also takes the key as `?token=` (browserless-style), for CDP clients that cannot send headers, and a
 * status badge as `?key=` (an <img> sends no header; its service takes publishable keys only). Only there:
 * elsewhere a key in a URL would end up in logs and browser history for no reason.
 */
function browserToken(raw: string): string {
  const url = new URL(raw);
  const token = url.pathname === '/v1/browser' ? url.searchParams.get('token') : BADGE_PATH.test(url.pathname) ? url.searchParams.get('key') : null;
  return token ? `Bearer ${token}` : '';
}

/** Publishable keys are safe in a web page because they can do one thing: read the status of their jobs. */
export const requireSecretKeyOutsideStatus: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('actor').actor.kind === 'publishable' && !isStatusPath(new URL(c.req.url).pathname)) {
    throw new ApiError('FORBIDDEN', 'A publishable key can only read /v1/status and its jobs\' badges');
  }
  await next();
};
