/** People in a real browser: sign-in through the dev OpenID provider's own form, then API calls with their cookies. */
import { expect, inject } from 'vitest';
import type { Browser, BrowserContext, Response } from 'playwright-core';

export interface Session { cookie: string; csrf: string; context: BrowserContext }

/** Fills the provider's login form and returns Trawl's answer to the callback (a redirect home, or an error). */
export async function submitSignIn(browser: Browser, login: string, start = '/auth/login?return_to=/'): Promise<{ context: BrowserContext; callback: Response }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${inject('edgeUrl')}${start}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  const [callback] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${inject('edgeUrl')}/auth/callback`), { timeout: 20_000 }),
    page.locator('button[type="submit"]').click(),
  ]);
  // After a redirect home the cookies are certainly stored.
  if (callback.status() === 302) await page.waitForURL((u) => u.href.startsWith(inject('edgeUrl')) && !u.pathname.startsWith('/auth/'), { timeout: 20_000 });
  return { context, callback };
}

/** Signs in as a person would: Trawl's /auth/login, the provider's own login form, back to Trawl with cookies. */
export async function signIn(browser: Browser, login: string, start = '/auth/login?return_to=/'): Promise<Session> {
  const { context, callback } = await submitSignIn(browser, login, start);
  expect(callback.status(), await callback.text().catch(() => '')).toBe(302);
  const cookies = await context.cookies(inject('edgeUrl'));
  const session = cookies.find((c) => c.name === 'trawl_session');
  const csrf = cookies.find((c) => c.name === 'trawl_csrf');
  expect(session?.httpOnly).toBe(true);
  expect(csrf?.httpOnly).toBe(false);
  return { cookie: `trawl_session=${session!.value}; trawl_csrf=${csrf!.value}`, csrf: csrf!.value, context };
}

/** An API call with a person's cookies (and CSRF header when given); follows session rotation like a browser. */
export async function as(s: Pick<Session, 'cookie'> & { csrf?: string; context?: BrowserContext }, method: string, path: string, body?: unknown) {
  const res = await fetch(`${inject('edgeUrl')}${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { cookie: s.cookie, ...(s.csrf ? { 'x-csrf-token': s.csrf } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
  });
  const text = await res.text();
  const setCookie = res.headers.getSetCookie();
  // Like a browser: a rotated session cookie replaces the old one for the next request.
  const rotated = setCookie.find((c) => c.startsWith('trawl_session='));
  if (rotated && 'context' in s) s.cookie = s.cookie.replace(/trawl_session=[^;]*/, rotated.split(';')[0]!);
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {}, setCookie };
}
