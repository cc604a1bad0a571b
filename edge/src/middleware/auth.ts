import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app.ts';
import { ApiError } from '../lib/errors.ts';
import { touchApiKey, verifyApiKey } from '../services/keys/api-keys.ts';

const TOUCH_EVERY_MS = 60_000;

/** `Authorization: Bearer <API key>`: resolves the key to its organization and role, or answers 401. */
export const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new ApiError('UNAUTHORIZED', header ? 'The Authorization header is not "Bearer <key>"' : 'No API key was sent');
  const services = c.get('services');
  const actor = await verifyApiKey(services.db, m[1]!);
  if (!actor) throw new ApiError('UNAUTHORIZED', 'The API key is unknown, revoked or expired');
  if (actor.lastUsedAt === null || Date.now() - actor.lastUsedAt > TOUCH_EVERY_MS) {
    c.executionCtx.waitUntil(touchApiKey(services.db, actor.keyId).catch(() => undefined));
  }
  const { lastUsedAt: _, ...rest } = actor;
  services.client = { ip: c.req.header('cf-connecting-ip') ?? null, userAgent: c.req.header('user-agent') ?? null };
  c.set('actor', { ...services, actor: rest });
  services.log = services.log.child({ orgId: rest.orgId });
  await next();
};

/** Publishable keys are safe in a web page because they can do one thing: read the status of their jobs. */
export const requireSecretKeyOutsideStatus: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('actor').actor.kind === 'publishable' && new URL(c.req.url).pathname !== '/v1/status') {
    throw new ApiError('FORBIDDEN', 'A publishable key can only read /v1/status');
  }
  await next();
};
