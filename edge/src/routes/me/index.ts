import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, createApp } from '../../app.ts';
import { configOf } from '../../env.ts';
import { ApiError } from '../../lib/errors.ts';
import { CSRF_COOKIE, SESSION_COOKIE, setSessionCookies } from '../../lib/session-cookies.ts';
import { verifySession } from '../../services/auth/sessions.ts';
import { describeMe, switchOrganization } from '../../services/me/me.ts';
import { errorResponses, readJsonBody, security } from '../openapi-common.ts';

const Role = z.enum(['owner', 'admin', 'editor', 'viewer']);
const Me = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
  org: z.object({ id: z.string(), name: z.string() }),
  role: Role,
  permissions: z.array(z.string()),
  via: z.enum(['session', 'key']),
  memberships: z.array(z.object({ orgId: z.string(), name: z.string(), role: Role })),
  sessionTtlMs: z.number().nullable(),
});

const me = createRoute({
  method: 'get', path: '/v1/me', tags: ['Members'], security, 'x-trawl-permission': 'jobs:read',
  summary: 'Who is asking: the person or key, the organization and role in use, its permissions and the person\'s organizations',
  description: 'The web app reads this to disable what the role may not do and to offer the organization switcher (`POST /auth/org` with `{orgId}`, session only). `sessionTtlMs` is how long a session lives; a request past half of it rotates the session cookie.',
  responses: { 200: { description: 'The caller', content: { 'application/json': { schema: Me } } }, ...errorResponses('FORBIDDEN') },
});

export function registerMeRoute(app: ReturnType<typeof createApp>) {
  app.openapi(me, async (c) => c.json(await describeMe(c.get('actor')), 200));
}

/** `POST /auth/org`: a signed-in person moves their session to another of their organizations (CSRF-checked). */
export const switchOrgRoutes = new Hono<AppEnv>();
switchOrgRoutes.post('/org', async (c) => {
  const services = c.get('services');
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await verifySession(services.db, configOf(c.env).sessionTtlMs, token, null) : null;
  if (!session?.actor.userId) throw new ApiError('UNAUTHORIZED', 'No one is signed in');
  const csrf = getCookie(c, CSRF_COOKIE) ?? '';
  if (!csrf || c.req.header('x-csrf-token') !== csrf) throw new ApiError('FORBIDDEN', 'Missing or wrong x-csrf-token');
  const issued = await switchOrganization(services, { sessionId: session.sessionId, userId: session.actor.userId }, csrf, await readJsonBody(c, 'INVALID_REQUEST'));
  setSessionCookies(c, issued);
  return c.json({ ok: true });
});
