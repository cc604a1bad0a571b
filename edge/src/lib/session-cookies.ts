import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../app.ts';
import type { IssuedSession } from '../services/auth/sessions.ts';

export const SESSION_COOKIE = 'trawl_session';
export const CSRF_COOKIE = 'trawl_csrf';

/** The session cookie is httpOnly and SameSite=Lax; the CSRF cookie is readable so the page can echo it in a header. */
export function setSessionCookies(c: Context<AppEnv>, s: IssuedSession): void {
  const secure = new URL(c.req.url).protocol === 'https:';
  const maxAge = Math.max(1, Math.floor((s.expiresAt - Date.now()) / 1000));
  setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge });
  setCookie(c, CSRF_COOKIE, s.csrf, { httpOnly: false, secure, sameSite: 'Strict', path: '/', maxAge });
}
