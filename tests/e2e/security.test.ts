import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, newOrg } from './client.ts';
import { startProtocolNode, type ProtocolNode } from './protocol-node.ts';
import { ALLOWED, ALLOWED_STATUS, ARTIFACT_BYTES, ROLES, RouteFixtures, bodyFor, spec, upgradeStatus, type Role } from './route-matrix.ts';

const secrets: string[] = [];
const bodies: string[] = [];
async function call(key: string | null, method: string, path: string, body?: unknown) {
  const res = await api(key, method, path, body);
  bodies.push(res.text);
  return res;
}

async function keyFor(owner: string, role: Role, extra: Record<string, unknown> = {}) {
  const res = await call(owner, 'POST', '/v1/keys', { kind: 'secret', name: `${role} key`, role, scopes: ['*'], ...extra });
  expect(res.status, res.text).toBe(201);
  secrets.push(String(res.body.key));
  return { id: String(res.body.id), key: String(res.body.key) };
}

/** One request of the matrix; a WebSocket route is asked for its upgrade. */
async function ask(key: string, method: string, path: string, url: string, body: unknown) {
  if (path === '/v1/runs/{id}/events') return { status: await upgradeStatus(key, url), text: '', body: null as Record<string, unknown> | null };
  const res = await call(key, method.toUpperCase(), url, body);
  if (res.body && typeof res.body.key === 'string') secrets.push(res.body.key);
  return res;
}

describe('security: every route against every role and another organization', () => {
  let a: Awaited<ReturnType<typeof newOrg>>;
  let b: Awaited<ReturnType<typeof newOrg>>;
  let node: ProtocolNode;
  const keys = {} as Record<Role, string>;
  beforeAll(async () => {
    [a, b, node] = await Promise.all([newOrg('SecA'), newOrg('SecB'), startProtocolNode()]);
    secrets.push(a.key, b.key);
    keys.owner = a.key;
    for (const role of ['admin', 'editor', 'viewer'] as const) keys[role] = (await keyFor(a.key, role)).key;
  });
  afterAll(async () => { await node?.close(); });

  it('checks the route table: each route declares its permission and answers each role exactly', async () => {
    const fixtures = new RouteFixtures(call, a.key, a.orgId, node, (role) => keyFor(a.key, role));
    const doc = (await call(null, 'GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, { 'x-trawl-permission'?: string }>> };
    const routes: string[] = [];
    const wrong: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!path.startsWith('/v1/')) continue;
        const route = `${method.toUpperCase()} ${path}`;
        routes.push(route);
        const permission = op['x-trawl-permission'];
        expect(Object.keys(ALLOWED), `${route} declares x-trawl-permission ${String(permission)}, not one of the documented matrix`).toContain(permission);
        for (const role of ROLES) {
          const ids = await fixtures.idsFor(path, method);
          const url = path.replace('{id}', ids.id) + (path === '/v1/status' ? `?jobs=${ids.jobId ?? ''}` : '');
          const res = await ask(keys[role], method, path, url, bodyFor(method, path));
          // A run started by the matrix is cancelled at once, so its tasks never reach a later test's fleet node.
          if (res.status === 201 && path === '/v1/jobs/{id}/runs') expect((await call(a.key, 'POST', `/v1/runs/${String(res.body!.id)}/cancel`)).status).toBe(200);
          await fixtures.after(path, method, ids, res.status);
          const allowed = ALLOWED[permission!]!.includes(role);
          const expected = allowed ? ALLOWED_STATUS[route] : 403;
          const code = allowed ? undefined : 'FORBIDDEN';
          const got = allowed ? undefined : (res.body?.error as { code?: string } | undefined)?.code;
          if (res.status !== expected || got !== code) wrong.push(`${role} ${route}: expected ${String(expected)}, got ${res.status} ${res.text.slice(0, 160)}`);
          if (allowed && path === '/v1/artifacts/{id}' && res.text !== ARTIFACT_BYTES) wrong.push(`${role} ${route}: the download is not the uploaded bytes`);
        }
        // Another organization's owner: resources of A are invisible.
        if (path.includes('{id}')) {
          const ids = await fixtures.idsFor(path, method);
          const res = await ask(b.key, method, path, path.replace('{id}', ids.id), bodyFor(method, path));
          await fixtures.after(path, method, ids, res.status);
          if (res.status !== 404) wrong.push(`other organization ${route}: expected 404, got ${res.status} ${res.text.slice(0, 160)}`);
        }
      }
    }
    // Every case is checked before failing, so one run names every route that answers wrongly.
    expect(wrong).toEqual([]);
    // The table above and the product's routes are the same list: a new route needs its expected answer written down.
    expect(routes.toSorted()).toEqual(Object.keys(ALLOWED_STATUS).toSorted());
    console.log(`security matrix: ${routes.length} routes x ${ROLES.length} roles + other-organization checks`);
  });

  it('refuses missing, malformed, revoked, expired and wrong-scope keys', async () => {
    expect((await call(null, 'GET', '/v1/jobs')).status).toBe(401);
    expect((await call('trawl_abc', 'GET', '/v1/jobs')).status).toBe(401);
    const k = await keyFor(a.key, 'editor');
    expect((await call(k.key, 'GET', '/v1/jobs')).status).toBe(200);
    expect((await call(a.key, 'DELETE', `/v1/keys/${k.id}`)).body.revokedAt).toBeTruthy();
    expect((await call(k.key, 'GET', '/v1/jobs')).status).toBe(401);

    const expired = await fetch(`${inject('edgeUrl')}/internal/admin/orgs/${a.orgId}/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'old', role: 'owner', expiresAt: Date.now() - 1000 }),
    });
    const expiredKey = ((await expired.json()) as { key: string }).key;
    secrets.push(expiredKey);
    expect((await call(expiredKey, 'GET', '/v1/jobs')).status).toBe(401);

    const narrow = await keyFor(a.key, 'editor', { scopes: ['jobs:read'] });
    expect((await call(narrow.key, 'GET', '/v1/jobs')).status).toBe(200);
    const write = await call(narrow.key, 'POST', '/v1/jobs', { name: 'x', spec });
    expect(write.status).toBe(403);
  });

  it('allows no privilege escalation through keys', async () => {
    const admin = await keyFor(a.key, 'admin', { scopes: ['admin', 'jobs:read'] });
    expect((await call(admin.key, 'POST', '/v1/keys', { kind: 'secret', name: 'up', role: 'owner', scopes: ['*'] })).status).toBe(403);
    expect((await call(admin.key, 'POST', '/v1/keys', { kind: 'secret', name: 'wide', role: 'admin', scopes: ['*'] })).status).toBe(403);
    expect((await call(admin.key, 'POST', '/v1/keys', { kind: 'secret', name: 'more', role: 'editor', scopes: ['jobs:write'] })).status).toBe(403);
    const ok = await call(admin.key, 'POST', '/v1/keys', { kind: 'secret', name: 'fine', role: 'viewer', scopes: ['jobs:read'] });
    expect(ok.status).toBe(201);
    secrets.push(String(ok.body.key));
    expect((await call(keys.editor, 'POST', '/v1/keys', { kind: 'secret', name: 'e', role: 'viewer', scopes: ['jobs:read'] })).status).toBe(403);
    const ownerKeyId = (await call(a.key, 'GET', '/v1/keys?limit=200')).body as { data: Array<{ id: string; role: string }> };
    const owners = ownerKeyId.data.filter((k) => k.role === 'owner');
    expect((await call(admin.key, 'DELETE', `/v1/keys/${owners[0]!.id}`)).status).toBe(403);
  });

  it('lists keys without secrets or hashes, and rotation retires the old secret', async () => {
    const k = await keyFor(a.key, 'viewer');
    const list = await call(a.key, 'GET', '/v1/keys?limit=200');
    expect(list.text).not.toContain(k.key);
    expect(list.text).not.toMatch(/"hash"/);
    const entry = (list.body.data as Array<Record<string, unknown>>).find((x) => x.id === k.id)!;
    expect(entry.prefix).toBe(k.key.split('_').slice(0, 2).join('_'));
    const rotated = await call(a.key, 'POST', `/v1/keys/${k.id}/rotate`);
    expect(rotated.status).toBe(201);
    secrets.push(String(rotated.body.key));
    expect((await call(k.key, 'GET', '/v1/jobs')).status).toBe(401);
    expect((await call(String(rotated.body.key), 'GET', '/v1/jobs')).status).toBe(200);
  });

  it('gives publishable keys the status of their named jobs and nothing else', async () => {
    const job = await call(a.key, 'POST', '/v1/jobs', { name: 'Public', spec });
    const other = await call(a.key, 'POST', '/v1/jobs', { name: 'Hidden', spec });
    const pk = await call(a.key, 'POST', '/v1/keys', { kind: 'publishable', name: 'widget', jobIds: [job.body.id] });
    expect(pk.status).toBe(201);
    const key = String(pk.body.key);
    secrets.push(key);
    expect(key.startsWith('trawl_pk_')).toBe(true);
    const status = await call(key, 'GET', `/v1/status?jobs=${String(job.body.id)}`);
    expect(status.status).toBe(200);
    expect(status.body.data).toEqual([{ jobId: job.body.id, name: 'Public', lastRun: null, successRate: null, freshness: null }]);
    expect(status.text).not.toContain('startUrls');
    expect((await call(key, 'GET', `/v1/status?jobs=${String(other.body.id)}`)).status).toBe(404);
    for (const [m, p] of [['GET', '/v1/jobs'], ['GET', `/v1/jobs/${String(job.body.id)}`], ['POST', `/v1/jobs/${String(job.body.id)}/runs`], ['GET', '/v1/keys']]) {
      expect((await call(key, m!, p!)).status, `${m} ${p}`).toBe(403);
    }
    const foreign = await call(b.key, 'POST', '/v1/keys', { kind: 'publishable', name: 'steal', jobIds: [job.body.id] });
    expect(foreign.status).toBe(400);
  });

  it('enforces the domain policy when a job is saved, and audits policy, job and key changes', async () => {
    const put = await call(a.key, 'PUT', '/v1/policy', { allowDomains: ['*.shop.test', '127.0.0.1'], denyDomains: ['bad.shop.test'] });
    expect(put.status).toBe(200);
    const blocked = await call(a.key, 'POST', '/v1/jobs', { name: 'x', spec: { ...spec, startUrls: ['http://ok.shop.test/', 'http://bad.shop.test/', 'http://elsewhere.test/'] } });
    expect(blocked.status).toBe(403);
    const err = blocked.body.error as { code: string; details: { issues: Array<{ path: string; message: string }> } };
    expect(err.code).toBe('BLOCKED_BY_POLICY');
    expect(err.details.issues.map((i) => i.path)).toEqual(['spec.startUrls.1', 'spec.startUrls.2']);
    expect((await call(a.key, 'POST', '/v1/jobs', { name: 'ok', spec: { ...spec, startUrls: ['http://ok.shop.test/'] } })).status).toBe(201);
    expect((await call(keys.editor, 'PUT', '/v1/policy', { allowDomains: [] })).status).toBe(403);
    expect((await call(a.key, 'PUT', '/v1/policy', { allowDomains: ['not a host!'] })).status).toBe(400);
    await call(a.key, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [] });

    const audit = await call(a.key, 'GET', '/v1/audit?limit=200');
    expect(audit.status).toBe(200);
    const actions = (audit.body.data as Array<{ action: string; actor: string }>).map((e) => e.action);
    for (const act of ['policy.update', 'job.create', 'key.create', 'key.revoke', 'key.rotate']) expect(actions, act).toContain(act);
    expect((await call(keys.viewer, 'GET', '/v1/audit')).status).toBe(403);
    const other = await call(b.key, 'GET', '/v1/audit?limit=200');
    expect((other.body.data as unknown[]).length).toBe(0);
  });

  it('rate-limits per key with 429, Retry-After and RateLimit headers', async () => {
    const k = await keyFor(a.key, 'viewer', { rateLimitPerMinute: 5 });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < 7; i++) {
      last = await call(k.key, 'GET', '/v1/jobs?limit=1');
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-limit')).toBe('5');
        expect(Number(last.headers.get('ratelimit-remaining'))).toBe(4);
      }
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((last!.body.error as { code: string }).code).toBe('RATE_LIMITED_API');
    // 5 a minute refill one request every 12 s: the wait for the next is a whole number of seconds from 1 to 12.
    const retryAfter = last!.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(12);
    expect((await call(keys.viewer, 'GET', '/v1/jobs?limit=1')).status).toBe(200);
  });

  it('never returns a stored credential or session', async () => {
    const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
    const cookie = `ck-${Math.random().toString(36).slice(2)}-secret`;
    secrets.push(password, cookie);
    const created = await call(a.key, 'POST', '/v1/logins', {
      name: `secret-login-${Date.now()}`, credential: { username: 'alice', password },
      storageState: { cookies: [{ name: 'sid', value: cookie, domain: 'shop.test', path: '/' }], origins: [] },
      flow: { url: 'http://shop.test/login', steps: [{ do: 'fill', selector: '#password', value: '{{password}}' }] },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ hasCredential: true, hasStorageState: true });
    const listed = await call(a.key, 'GET', '/v1/logins');
    expect(listed.status).toBe(200);
    const audit = await call(a.key, 'GET', '/v1/audit?limit=200');
    for (const text of [created.text, listed.text, audit.text]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(cookie);
    }
  });

  afterAll(() => {
    // No key secret may appear in any response body (other than its one creation answer) or in the Worker's logs.
    const logs = readFileSync(inject('edgeLogPath'), 'utf8');
    for (const s of secrets) {
      expect(logs.includes(s), 'a key secret appears in the edge logs').toBe(false);
      const shown = bodies.filter((b) => b.includes(s)).length;
      expect(shown, 'a secret was shown more than once').toBeLessThanOrEqual(s.startsWith('trawl_') ? 1 : 0);
    }
  });
});
