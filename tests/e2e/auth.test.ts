import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { as, signIn } from './people.ts';
import { TEST_SESSION_TTL_MS } from './session-ttl.ts';

/**
 * Goes through /auth/login?return_to=<raw> to the provider and back: the Location the callback answers, and where the
 * browser landed (a failed navigation, as to an off-site name that does not resolve, is reported as its error).
 * The provider asks for the login only once per browser context; later sign-ins come straight back.
 */
async function signInLocation(page: Page, login: string, raw: string): Promise<{ location: string; landed: string }> {
  const callback = page.waitForResponse((r) => r.url().startsWith(`${inject('edgeUrl')}/auth/callback`), { timeout: 20_000 });
  const navigation = page.goto(`${inject('edgeUrl')}/auth/login?return_to=${raw}`).then(() => null, (e: Error) => e.message.split('\n')[0]!);
  const form = page.locator('input[name="login"]');
  if (await Promise.race([callback.then(() => false), form.waitFor({ timeout: 20_000 }).then(() => true)])) {
    await form.fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
  }
  const answer = await callback;
  expect(answer.status()).toBe(302);
  const location = (await answer.allHeaders()).location ?? '(no Location)';
  // The first sign-in's goto ends at the provider's form: the landing is where its submission ends, past the callback.
  const edge = new URL(inject('edgeUrl'));
  const past = (u: URL) => u.hostname !== edge.hostname || u.protocol !== 'http:' || (u.origin === edge.origin && !u.pathname.startsWith('/auth/'));
  const failed = await navigation;
  if (!failed) await page.waitForURL(past, { timeout: 20_000 });
  return { location, landed: failed ?? page.url().replace(/^(https?:\/\/[^/]*).*$/, '$1') };
}


describe('people sign in with OpenID Connect (a real provider), sessions rotate, changes need the CSRF token', () => {
  let browser: Browser;
  const who = `alice-${Date.now().toString(36)}`;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it('a first sign-in makes the person owner of a new organization; cookie changes without the CSRF header are refused', async () => {
    const alice = await signIn(browser, who);
    const me = await as(alice, 'GET', '/v1/members');
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual([expect.objectContaining({ email: `${who}@example.test`, role: 'owner' })]);
    const job = { name: 'From the browser', spec: { startUrls: ['http://127.0.0.1:9/x'], itemSelector: 'li', fields: { a: {} } } };
    const forged = await as({ cookie: alice.cookie }, 'POST', '/v1/jobs', job);
    expect(forged.status).toBe(403);
    const wrong = await as({ cookie: alice.cookie, csrf: 'x'.repeat(32) }, 'POST', '/v1/jobs', job);
    expect(wrong.status).toBe(403);
    expect((await as(alice, 'POST', '/v1/jobs', job)).status).toBe(201);
    await alice.context.close();
  });

  it('invitation links add members with their role; roles hold; the last owner can neither leave nor be demoted', async () => {
    const owner = await signIn(browser, `${who}-owner`);
    const ownerId = ((await as(owner, 'GET', '/v1/members')).body.data as Array<{ userId: string }>)[0]!.userId;
    const invite = await as(owner, 'POST', '/v1/invitations', { role: 'editor' });
    expect(invite.status).toBe(201);
    const link = new URL(String(invite.body.link));
    const bob = await signIn(browser, `${who}-bob`, link.pathname);
    const team = ((await as(owner, 'GET', '/v1/members')).body.data as Array<{ userId: string; role: string; email: string }>);
    const bobRow = team.find((m) => m.email.startsWith(`${who}-bob`))!;
    expect(bobRow.role).toBe('editor');
    expect((await as(bob, 'GET', '/v1/members')).status).toBe(403);
    expect((await as(bob, 'PATCH', `/v1/members/${ownerId}`, { role: 'viewer' })).status).toBe(403);
    expect((await as(bob, 'PUT', '/v1/policy', { allowDomains: [] })).status).toBe(403);
    expect((await as(bob, 'POST', '/v1/jobs', { name: 'b', spec: { startUrls: ['http://127.0.0.1:9/'], itemSelector: 'li', fields: { a: {} } } })).status).toBe(201);

    expect((await as(owner, 'PATCH', `/v1/members/${ownerId}`, { role: 'admin' })).status).toBe(409);
    expect((await as(owner, 'DELETE', `/v1/members/${ownerId}`)).status).toBe(409);
    expect((await as(owner, 'PATCH', `/v1/members/${bobRow.userId}`, { role: 'viewer' })).status).toBe(200);
    expect((await as(bob, 'POST', '/v1/jobs', { name: 'c', spec: { startUrls: ['http://127.0.0.1:9/'], itemSelector: 'li', fields: { a: {} } } })).status).toBe(403);
    // The invitation works once.
    const again = await browser.newContext();
    const page = await again.newPage();
    await page.goto(`${inject('edgeUrl')}${link.pathname}`);
    await page.locator('input[name="login"]').fill(`${who}-mallory`);
    await page.locator('input[name="password"]').fill('x');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/auth/callback')), page.locator('button[type="submit"]').click()]);
    expect(response.status()).toBe(404);
    const audit = await as(owner, 'GET', '/v1/audit?limit=50');
    expect((audit.body.data as Array<{ action: string; actor: string }>).map((e) => e.action)).toEqual(expect.arrayContaining(['invitation.create', 'member.role']));
    await Promise.all([owner.context.close(), bob.context.close(), again.close()]);
  });

  it('rotates the session token past half its life, expires it, and sign-out revokes it', async () => {
    const s = await signIn(browser, `${who}-rot`);
    const before = { cookie: s.cookie, csrf: s.csrf };
    expect((await as(before, 'GET', '/v1/members')).setCookie.join(';')).not.toContain('trawl_session=');
    await new Promise((r) => setTimeout(r, TEST_SESSION_TTL_MS / 2 + 300)); // past half the test edge's session life
    const rotated = await as(before, 'GET', '/v1/members');
    expect(rotated.status).toBe(200);
    const fresh = rotated.setCookie.find((c) => c.startsWith('trawl_session='))!;
    expect(fresh).toBeTruthy();
    const next = { cookie: `${fresh.split(';')[0]}; trawl_csrf=${s.csrf}`, csrf: s.csrf };
    expect((await as(before, 'GET', '/v1/members')).status).toBe(200); // the old token's grace period
    await new Promise((r) => setTimeout(r, TEST_SESSION_TTL_MS / 2));
    expect((await as(before, 'GET', '/v1/members')).status).toBe(401);
    expect((await as(next, 'GET', '/v1/members')).status).toBe(200);
    expect((await as({ cookie: next.cookie }, 'POST', '/auth/logout')).status).toBe(403);
    expect((await as(next, 'POST', '/auth/logout')).status).toBe(200);
    expect((await as(next, 'GET', '/v1/members')).status).toBe(401);
    await s.context.close();
  });

  it('never redirects off-site after sign-in: return_to keeps an on-site path and turns anything else into the app\'s home (/app/)', async () => {
    // What follows `return_to=` in the sign-in link, raw, and the exact Location the callback must answer once the
    // person has signed in at the provider.
    // Where sign-in lands when no safe return_to is given: the app's dashboard.
    const HOME = '/app/';
    const cases: Array<[string, string]> = [
      ['/jobs', '/jobs'],
      [encodeURIComponent('/jobs?id=job_1&tab=runs'), '/jobs?id=job_1&tab=runs'],
      ['/@evil.example', '/@evil.example'],
      ['/%252F%252Fevil.example', '/%2F%2Fevil.example'],
      [encodeURIComponent('https://evil.example/'), HOME],
      ['HTTPS://EVIL.EXAMPLE', HOME],
      ['//evil.example/', HOME],
      ['///evil.example', HOME],
      [encodeURIComponent('/\\evil.example'), HOME],
      ['/%5Cevil.example', HOME],
      ['%5C%5Cevil.example', HOME],
      ['http:evil.example', HOME],
      ['https:/evil.example', HOME],
      [encodeURIComponent('javascript:alert(1)'), HOME],
      ['%2F%2Fevil.example', HOME],
      ['/%2F%2Fevil.example', HOME],
      ['%252F%252Fevil.example', HOME],
      ['/%09/evil.example', HOME],
      ['%20//evil.example', HOME],
      ['/%0d%0aLocation:%20https://evil.example', HOME],
    ];
    const edge = new URL(inject('edgeUrl'));
    const context = await browser.newContext();
    const page = await context.newPage();
    const answers: Array<{ location: string; landed: string }> = [];
    for (const [raw] of cases) answers.push(await signInLocation(page, `${who}-rt`, raw));
    await context.close();
    expect(answers.map((a, i) => [cases[i]![0], a.location])).toEqual(cases);
    expect(answers.map((a) => a.landed)).toEqual(cases.map(() => edge.origin));
  });
});
