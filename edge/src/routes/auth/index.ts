import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { AppEnv } from '../../app.ts';
import { ApiError } from '../../lib/errors.ts';
import { configOf } from '../../env.ts';
import { finishLogin, safeReturnTo, startLogin } from '../../services/auth/oidc.ts';
import { createSession, revokeSession, verifySession } from '../../services/auth/sessions.ts';
import { CSRF_COOKIE, SESSION_COOKIE, setSessionCookies } from '../../lib/session-cookies.ts';
import { userForSignIn } from '../../services/members/sign-in.ts';

/** Browser sign-in (OIDC authorization code + PKCE), sign-out, the session's own view, and invitation links. */
export const authRoutes = new Hono<AppEnv>();

authRoutes.get('/login', async (c) => c.redirect(await startLogin(c.get('services'), safeReturnTo(c.req.query('return_to')), null), 302));

authRoutes.get('/invitations/:token', async (c) => {
  const token = c.req.param('token');
  if (!/^[a-z0-9]{40}$/.test(token)) throw new ApiError('NOT_FOUND', 'Unknown invitation');
  return c.redirect(await startLogin(c.get('services'), '/app/', token), 302);
});

authRoutes.get('/callback', async (c) => {
  const code = c.req.query('code');
  const state = c.req.query('state');
  if (!code || !state) throw new ApiError('UNAUTHORIZED', c.req.query('error_description') ?? 'The sign-in was not completed');
  const services = c.get('services');
  const who = await finishLogin(services, code, state);
  const { userId, orgId } = await userForSignIn(services, who);
  setSessionCookies(c, await createSession(services.db, configOf(c.env).sessionTtlMs, userId, orgId));
  return c.redirect(who.returnTo, 302);
});

authRoutes.post('/logout', async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const s = await verifySession(c.get('services').db, configOf(c.env).sessionTtlMs, token, null);
    if (s) {
      if (c.req.header('x-csrf-token') !== getCookie(c, CSRF_COOKIE)) throw new ApiError('FORBIDDEN', 'Missing or wrong x-csrf-token');
      await revokeSession(c.get('services').db, s.sessionId);
    }
  }
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  deleteCookie(c, CSRF_COOKIE, { path: '/' });
  return c.json({ ok: true });
});
