import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, newOrg } from './client.ts';
import { launchChromium } from './browser.ts';
import { as, signIn, submitSignIn } from './people.ts';

type Member = { userId: string; role: string; email: string };
const spec = (loginId?: string) => ({ startUrls: ['http://127.0.0.1:9/list'], itemSelector: 'li', fields: { a: {} }, ...(loginId ? { login: { id: loginId } } : {}) });
const errorOf = (body: unknown) => (body as { error: unknown }).error as { code: string; message: string; details: { issues: Array<{ path: string; message: string }> } };

describe('tenancy: a job names only its own organization\'s logins', () => {
  it('another organization\'s login id is refused on create, change and preview exactly like a login that does not exist', async () => {
    const [a, b] = await Promise.all([newOrg('Tenant A'), newOrg('Tenant B')]);
    const login = await api(a.key, 'POST', '/v1/logins', { name: 'a-session', storageState: { cookies: [], origins: [] } });
    expect(login.status, login.text).toBe(201);
    const theirs = String(login.body.id);
    const missing = 'lgn_doesnotexist0000000000';
    // The owner may use it.
    expect((await api(a.key, 'POST', '/v1/jobs', { name: 'own', spec: spec(theirs) })).status).toBe(201);

    const expectRefused = (res: Awaited<ReturnType<typeof api>>, id: string) => {
      expect(res.status, res.text).toBe(400);
      expect(errorOf(res.body)).toMatchObject({
        code: 'INVALID_SPEC', message: 'The job names a stored login that does not exist',
        details: { issues: [{ path: 'spec.login.id', message: `No stored login ${id} in this organization (see GET /v1/logins)` }] },
      });
    };
    const cross = await api(b.key, 'POST', '/v1/jobs', { name: 'theft', spec: spec(theirs) });
    const none = await api(b.key, 'POST', '/v1/jobs', { name: 'typo', spec: spec(missing) });
    expectRefused(cross, theirs);
    expectRefused(none, missing);
    // Same answer apart from the id each names: nothing tells B that A's id exists.
    expect(JSON.stringify(errorOf(cross.body).details).replace(theirs, 'ID')).toBe(JSON.stringify(errorOf(none.body).details).replace(missing, 'ID'));

    const job = await api(b.key, 'POST', '/v1/jobs', { name: 'plain', spec: spec() });
    expect(job.status).toBe(201);
    expectRefused(await api(b.key, 'PATCH', `/v1/jobs/${String(job.body.id)}`, { spec: spec(theirs) }), theirs);
    expectRefused(await api(b.key, 'PATCH', `/v1/jobs/${String(job.body.id)}`, { spec: spec(missing) }), missing);
    expect(((await api(b.key, 'GET', `/v1/jobs/${String(job.body.id)}`)).body.spec as { login?: unknown }).login).toBeUndefined();
    expectRefused(await api(b.key, 'POST', '/v1/preview', { spec: spec(theirs) }), theirs);
    const listed = await api(b.key, 'GET', '/v1/jobs');
    expect((listed.body.data as Array<{ name: string }>).map((j) => j.name)).toEqual(['plain']);
  });
});

describe('tenancy: roles through invitations and the last owner', () => {
  let browser: Browser;
  const who = `ten-${Date.now().toString(36)}`;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it('accepting an invitation never lowers a role: the last owner stays owner, an admin stays admin, a viewer is raised', async () => {
    const owner = await signIn(browser, `${who}-owner`);
    const team = async () => {
      const res = await as(owner, 'GET', '/v1/members');
      expect(res.status, 'the owner can still list members').toBe(200);
      return res.body.data as Member[];
    };
    const roleOf = async (login: string) => (await team()).find((m) => m.email === `${login}@example.test`)?.role;
    const invite = async (role: string) => new URL(String((await as(owner, 'POST', '/v1/invitations', { role })).body.link)).pathname;

    const toEditor = await invite('editor');
    const again = await signIn(browser, `${who}-owner`, toEditor);
    expect(await roleOf(`${who}-owner`)).toBe('owner');
    expect((await team()).filter((m) => m.role === 'owner')).toHaveLength(1);
    // The owner still acts as one.
    expect((await as(again, 'POST', '/v1/invitations', { role: 'admin' })).status).toBe(201);

    const carol = await signIn(browser, `${who}-carol`, await invite('admin'));
    expect(await roleOf(`${who}-carol`)).toBe('admin');
    await signIn(browser, `${who}-carol`, await invite('viewer'));
    expect(await roleOf(`${who}-carol`)).toBe('admin');

    await signIn(browser, `${who}-dave`, await invite('viewer'));
    expect(await roleOf(`${who}-dave`)).toBe('viewer');
    await signIn(browser, `${who}-dave`, await invite('editor'));
    expect(await roleOf(`${who}-dave`)).toBe('editor');
    await Promise.all([owner.context.close(), again.context.close(), carol.context.close()]);
  });

  it('the last owner cannot be demoted or removed on any path, including operator provisioning', async () => {
    const org = await newOrg('Last owner');
    const members = (await api(org.key, 'GET', '/v1/members')).body.data as Member[];
    const ownerId = members[0]!.userId;
    const provision = (role: string) => fetch(`${inject('edgeUrl')}/internal/admin/orgs/${org.orgId}/members`, {
      method: 'POST', headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: org.ownerEmail, name: 'Owner', role }),
    });
    const demoted = await provision('viewer');
    expect(demoted.status, await demoted.clone().text()).toBe(409);
    expect(((await demoted.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
    expect((await api(org.key, 'PATCH', `/v1/members/${ownerId}`, { role: 'admin' })).status).toBe(409);
    expect((await api(org.key, 'DELETE', `/v1/members/${ownerId}`)).status).toBe(409);
    expect(((await api(org.key, 'GET', '/v1/members')).body.data as Member[]).map((m) => m.role)).toEqual(['owner']);

    // Two owners demoting each other at once: the database lets exactly one through.
    const other = await fetch(`${inject('edgeUrl')}/internal/admin/orgs/${org.orgId}/members`, {
      method: 'POST', headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `co-${org.ownerEmail}`, name: 'Co-owner', role: 'owner' }),
    });
    expect(other.status).toBe(201);
    const coId = ((await other.json()) as { userId: string }).userId;
    const answers = await Promise.all([ownerId, coId].map((id) => api(org.key, 'PATCH', `/v1/members/${id}`, { role: 'viewer' })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(((await api(org.key, 'GET', '/v1/members')).body.data as Member[]).filter((m) => m.role === 'owner')).toHaveLength(1);
  });
});

describe('tenancy: sign-in links accounts by issuer and subject, and by e-mail only when it is verified', () => {
  let browser: Browser;
  const who = `link-${Date.now().toString(36)}`;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });
  const meOf = async (s: Awaited<ReturnType<typeof signIn>>) => ((await as(s, 'GET', '/v1/members')).body.data as Member[]).find((m) => m.email === `${who}@example.test`);

  it('an unverified address does not get the existing account; the original subject and a verified one do', async () => {
    const alice = await signIn(browser, who);
    const original = await meOf(alice);
    expect(original?.role).toBe('owner');

    for (const tag of ['unverified', 'unstated']) {
      const { context, callback } = await submitSignIn(browser, `${tag}:${who}`);
      expect(callback.status()).toBe(403);
      expect(((await callback.json()) as { error: { code: string } }).error.code).toBe('EMAIL_NOT_VERIFIED');
      expect((await context.cookies(inject('edgeUrl'))).some((c) => c.name === 'trawl_session')).toBe(false);
      await context.close();
    }
    // An unverified address nobody uses opens no account either.
    expect((await submitSignIn(browser, `unverified:${who}-new`)).callback.status()).toBe(403);

    const back = await signIn(browser, who);
    expect((await meOf(back))?.userId).toBe(original!.userId);
    const verifiedOther = await signIn(browser, `second:${who}`);
    expect((await meOf(verifiedOther))?.userId).toBe(original!.userId);
    await Promise.all([alice.context.close(), back.context.close(), verifiedOther.context.close()]);
  });
});
