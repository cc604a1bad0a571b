/**
 * The route × role matrix's fixtures (security.test.ts): what each route answers a role allowed to call it, and the
 * request body and stored state that make that answer the right one. Written out here, never read from the product,
 * so a route that answers 500 (or 409, or 503) where it should succeed fails the matrix.
 */
import WebSocket from 'ws';
import { expect, inject } from 'vitest';
import { LEASE_HEADER, edgeInternalPaths, signRequest } from '@trawl/schemas';
import type { Answer } from './client.ts';
import type { ProtocolNode } from './protocol-node.ts';

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];

/** The permission matrix as the product documents it, written out independently of the code. */
export const ALLOWED: Record<string, Role[]> = {
  'jobs:read': ROLES, 'jobs:write': ['owner', 'admin', 'editor'], 'runs:read': ROLES, 'runs:write': ['owner', 'admin', 'editor'],
  'results:read': ROLES, 'policy:read': ROLES, 'policy:write': ['owner', 'admin'], 'keys:read': ['owner', 'admin'],
  'keys:write': ['owner', 'admin'], 'audit:read': ['owner', 'admin'], 'status:read': ROLES,
  'members:read': ['owner', 'admin'], 'members:write': ['owner', 'admin'],
  'sessions:read': ROLES, 'sessions:write': ['owner', 'admin', 'editor'],
  'notifications:read': ['owner', 'admin'], 'notifications:write': ['owner', 'admin'],
  // Share-link reads take the link's token, never a key: every role's key alone gets 401 (ALLOWED_STATUS).
  'share:token': ROLES,
};

/** The exact answer to an allowed role, with the body from `bodyFor` and the state `RouteFixtures` sets up. */
export const ALLOWED_STATUS: Record<string, number> = {
  'POST /v1/jobs/validate': 200, 'POST /v1/jobs': 201, 'GET /v1/jobs': 200, 'GET /v1/jobs/{id}': 200,
  'PATCH /v1/jobs/{id}': 200, 'DELETE /v1/jobs/{id}': 204, 'POST /v1/jobs/{id}/runs': 201,
  'GET /v1/runs': 200, 'GET /v1/runs/{id}': 200, 'GET /v1/runs/{id}/results': 200, 'GET /v1/runs/{id}/blocked': 200,
  'GET /v1/runs/{id}/logs': 200, 'GET /v1/runs/{id}/artifacts': 200, 'POST /v1/runs/{id}/cancel': 200,
  // A WebSocket: the upgrade itself is the answer.
  'GET /v1/runs/{id}/events': 101,
  // Live view (ADR 0044): the matrix's runs have ended, so none of their tasks is in flight: the list is empty (200)
  // and a plain GET of a task's view is the allowed caller's 400 (no upgrade). live-view.test.ts opens real ones.
  'GET /v1/runs/{id}/live': 200, 'GET /v1/runs/{id}/tasks/{taskId}/live': 400,
  'GET /v1/artifacts/{id}': 200, 'POST /v1/preview': 200,
  'POST /v1/logins': 201, 'GET /v1/logins': 200, 'GET /v1/logins/{id}': 200, 'DELETE /v1/logins/{id}': 204,
  // The login hand-off's view WebSocket (ADR 0044): a plain GET is the allowed caller's 400; live-view.test.ts opens it.
  'GET /v1/logins/{id}/handoff': 400,
  'POST /v1/proxies': 201, 'GET /v1/proxies': 200, 'DELETE /v1/proxies/{id}': 204,
  'POST /v1/keys': 201, 'GET /v1/keys': 200, 'DELETE /v1/keys/{id}': 200, 'POST /v1/keys/{id}/rotate': 201,
  'GET /v1/policy': 200, 'PUT /v1/policy': 200, 'GET /v1/audit': 200, 'GET /v1/status': 200,
  'GET /v1/members': 200, 'PATCH /v1/members/{id}': 200, 'DELETE /v1/members/{id}': 204, 'POST /v1/invitations': 201,
  'GET /v1/stats': 200, 'GET /v1/insight': 200, 'GET /v1/storage': 200, 'GET /v1/me': 200,
  'POST /v1/templates': 201, 'GET /v1/templates': 200, 'GET /v1/templates/{id}': 200, 'DELETE /v1/templates/{id}': 204,
  // Browser sessions need a real fleet node, which this matrix has not: a plain GET of the CDP WebSocket is the
  // allowed caller's 400 (no upgrade), and DELETE of an id that is no session its 404. browser-sessions.test.ts
  // opens real sessions (101) and ends them (200).
  'GET /v1/browser': 400, 'GET /v1/browser/view': 400, 'GET /v1/sessions': 200, 'DELETE /v1/sessions/{id}': 404,
  'POST /v1/policy/dry-run': 200, 'PUT /v1/policy/limits': 200,
  'POST /v1/runs/{id}/shares': 201, 'GET /v1/runs/{id}/shares': 200, 'DELETE /v1/shares/{id}': 200,
  // A member's key is not a share token: 401 SHARE_LINK_INVALID (tests/e2e/shares.test.ts tries real tokens).
  'GET /v1/shared/run': 401, 'GET /v1/shared/results': 401, 'GET /v1/shared/events': 401,
  // Schedules (ADR 0042): the fixture job has a schedule (paused, for resume).
  'GET /v1/jobs/{id}/schedule': 200, 'PUT /v1/jobs/{id}/schedule': 200, 'DELETE /v1/jobs/{id}/schedule': 204,
  'POST /v1/jobs/{id}/schedule/pause': 200, 'POST /v1/jobs/{id}/schedule/resume': 200,
  // Change feed (ADR 0045): the fixture run is cancelled, so it has no feed (409 CHANGES_UNAVAILABLE) and is not
  // suspect (409 RUN_NOT_SUSPECT); an item never seen has an empty history. changes.test.ts covers the 200s.
  'GET /v1/runs/{id}/changes': 409, 'POST /v1/runs/{id}/accept': 409, 'GET /v1/jobs/{id}/items/{key}/history': 200,
  // Notifications (ADR 0046): the fixture endpoint is a public webhook URL. A job id is no delivery, so redeliver is
  // the allowed caller's 404; notifications.test.ts redelivers real deliveries (202).
  'POST /v1/notifications/endpoints': 201, 'GET /v1/notifications/endpoints': 200, 'DELETE /v1/notifications/endpoints/{id}': 204,
  'POST /v1/notifications/endpoints/{id}/rotate-secret': 201, 'POST /v1/notifications/endpoints/{id}/enable': 200,
  'GET /v1/notifications/endpoints/{id}/deliveries': 200, 'POST /v1/notifications/deliveries/{id}/redeliver': 404,
  'GET /v1/jobs/{id}/notifications': 200, 'PUT /v1/jobs/{id}/notifications': 200,
  // Freshness and the badge (ADR 0047): a badge takes publishable keys only, so every member's (secret) key is 403
  // PUBLISHABLE_KEY_REQUIRED; widget.test.ts fetches it with a publishable key (200).
  'PUT /v1/jobs/{id}/freshness': 200, 'GET /v1/public/jobs/{id}/badge.svg': 403, 'GET /v1/usage': 200,
};

export const spec = { startUrls: ['http://127.0.0.1:9/sec'], itemSelector: 'li', fields: { a: {} } };
/** What the matrix's artifact holds: an allowed download must give exactly these bytes. */
export const ARTIFACT_BYTES = 'matrix artifact bytes';

/** A valid body for each route that takes one, so every refusal is about who asks, not what they send. */
export function bodyFor(method: string, path: string): unknown {
  if (method === 'post' && path === '/v1/jobs') return { name: 'x', spec };
  if (method === 'patch' && path.startsWith('/v1/members/')) return { role: 'editor' };
  if (method === 'patch') return { name: 'renamed' };
  if (method === 'put' && path === '/v1/policy/limits') return { siteMaxConcurrent: null, siteMinDelayMs: null, maxTasksInFlight: null, maxConcurrentRuns: null };
  if (method === 'put' && path === '/v1/jobs/{id}/notifications') return { subscriptions: [] };
  if (method === 'post' && path === '/v1/notifications/endpoints') return { kind: 'webhook', name: 'matrix', url: 'https://hooks.example.com/trawl' };
  if (method === 'put' && path === '/v1/jobs/{id}/schedule') return { cron: '0 6 * * 1-5', timeZone: 'Europe/Berlin' };
  if (method === 'put' && path === '/v1/jobs/{id}/freshness') return { maxAgeMinutes: 360 };
  if (method === 'put') return { allowDomains: [], denyDomains: [] };
  if (method === 'post' && path === '/v1/policy/dry-run') return { urls: ['https://shop.example.test/'] };
  if (method === 'post' && path === '/v1/runs/{id}/shares') return { expiresInHours: 1 };
  if (method === 'post' && path === '/v1/invitations') return { role: 'viewer' };
  if (method === 'post' && path === '/v1/keys') return { kind: 'secret', name: 'k', role: 'viewer', scopes: ['jobs:read'] };
  if (method === 'post' && path === '/v1/logins') return { name: `login-${Math.random().toString(36).slice(2)}`, storageState: { cookies: [], origins: [] } };
  if (method === 'post' && path === '/v1/proxies') return { name: `proxy-${Math.random().toString(36).slice(2)}`, url: 'http://proxy.example.com:8080', username: 'u', password: 'matrix-pw' };
  if (method === 'post' && path === '/v1/jobs/validate') return { spec };
  if (method === 'post' && path === '/v1/templates') return { name: 't', description: 'matrix', spec };
  if (method === 'post' && path === '/v1/preview') return { spec, screenshot: false };
  return undefined;
}

/** The status a WebSocket route answers: 101 when it upgrades, else the refusal's status. */
export function upgradeStatus(key: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${inject('edgeUrl').replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${key}` } });
    ws.on('upgrade', (res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); ws.terminate(); });
    ws.on('error', (err) => reject(err));
  });
}

type Call = (key: string | null, method: string, path: string, body?: unknown) => Promise<Answer>;
export interface Ids { id: string; jobId?: string }

/**
 * Sets up the state each route needs for its allowed answer: a job, a run (ended, or still live for cancel), a key, a
 * login, a member, or an artifact uploaded by a protocol-level fleet node holding a real task lease.
 */
export class RouteFixtures {
  readonly #shared = new Map<string, Ids>();
  constructor(
    private readonly call: Call,
    private readonly owner: string,
    private readonly orgId: string,
    private readonly node: ProtocolNode,
    private readonly newKey: (role: Role) => Promise<{ id: string }>,
  ) {}

  /** Reads share one resource per path; anything else gets a fresh one, so destructive routes never disturb the next case. */
  async idsFor(path: string, method: string): Promise<Ids> {
    if (method !== 'get') return this.fresh(path);
    if (!this.#shared.has(path)) this.#shared.set(path, await this.fresh(path));
    return this.#shared.get(path)!;
  }

  /** After a case: a run left live for the cancel route is ended here when the caller did not end it. */
  async after(path: string, method: string, ids: Ids, status: number): Promise<void> {
    if (method === 'post' && path === '/v1/runs/{id}/cancel' && status !== 200) {
      const res = await this.call(this.owner, 'POST', `/v1/runs/${ids.id}/cancel`);
      expect(res.status, res.text).toBe(200);
    }
  }

  private async fresh(path: string): Promise<Ids> {
    const job = await this.call(this.owner, 'POST', '/v1/jobs', { name: 'matrix', spec });
    expect(job.status, job.text).toBe(201);
    const jobId = String(job.body.id);
    if (path.startsWith('/v1/runs/') || path.startsWith('/v1/artifacts/')) {
      const run = await this.call(this.owner, 'POST', `/v1/jobs/${jobId}/runs`);
      expect(run.status, run.text).toBe(201);
      const runId = String(run.body.id);
      const artifact = path.startsWith('/v1/artifacts/') ? await this.uploadArtifact(runId) : null;
      if (path !== '/v1/runs/{id}/cancel') expect((await this.call(this.owner, 'POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
      return { id: artifact ?? runId };
    }
    if (path.startsWith('/v1/shares/')) {
      const run = await this.call(this.owner, 'POST', `/v1/jobs/${jobId}/runs`);
      expect(run.status, run.text).toBe(201);
      expect((await this.call(this.owner, 'POST', `/v1/runs/${String(run.body.id)}/cancel`)).status).toBe(200);
      const share = await this.call(this.owner, 'POST', `/v1/runs/${String(run.body.id)}/shares`, { expiresInHours: 1 });
      expect(share.status, share.text).toBe(201);
      return { id: String(share.body.id) };
    }
    if (path.startsWith('/v1/jobs/{id}/schedule')) {
      const set = await this.call(this.owner, 'PUT', `/v1/jobs/${jobId}/schedule`, bodyFor('put', '/v1/jobs/{id}/schedule'));
      expect(set.status, set.text).toBe(200);
      if (path.endsWith('/resume')) expect((await this.call(this.owner, 'POST', `/v1/jobs/${jobId}/schedule/pause`)).status).toBe(200);
      return { id: jobId, jobId };
    }
    if (path.startsWith('/v1/notifications/endpoints/')) {
      const endpoint = await this.call(this.owner, 'POST', '/v1/notifications/endpoints', bodyFor('post', '/v1/notifications/endpoints'));
      expect(endpoint.status, endpoint.text).toBe(201);
      return { id: String((endpoint.body.endpoint as { id: string }).id) };
    }
    if (path.startsWith('/v1/keys/')) return { id: (await this.newKey('viewer')).id };
    if (path.startsWith('/v1/logins/')) {
      const login = await this.call(this.owner, 'POST', '/v1/logins', bodyFor('post', '/v1/logins'));
      expect(login.status, login.text).toBe(201);
      return { id: String(login.body.id) };
    }
    if (path.startsWith('/v1/proxies/')) {
      const proxy = await this.call(this.owner, 'POST', '/v1/proxies', bodyFor('post', '/v1/proxies'));
      expect(proxy.status, proxy.text).toBe(201);
      return { id: String(proxy.body.id) };
    }
    if (path.startsWith('/v1/templates/')) {
      const template = await this.call(this.owner, 'POST', '/v1/templates', bodyFor('post', '/v1/templates'));
      expect(template.status, template.text).toBe(201);
      return { id: String(template.body.id) };
    }
    if (path.startsWith('/v1/members/')) {
      const res = await fetch(`${inject('edgeUrl')}/internal/admin/orgs/${this.orgId}/members`, {
        method: 'POST', headers: { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `m-${Math.random().toString(36).slice(2)}@example.test`, name: 'M', role: 'viewer' }),
      });
      expect(res.status).toBe(201);
      return { id: ((await res.json()) as { userId: string }).userId };
    }
    return { id: jobId, jobId };
  }

  /** Plays the fleet node: takes the run's task and uploads a screenshot under its lease, as a browser node would. */
  private async uploadArtifact(runId: string): Promise<string> {
    const task = await this.node.nextTask(runId);
    const path = edgeInternalPaths.taskArtifact(runId, task.taskId, task.attempt, 'step-1-matrix.png');
    const bytes = new TextEncoder().encode(ARTIFACT_BYTES);
    const res = await fetch(`${inject('edgeUrl')}${path}`, {
      method: 'PUT', body: bytes,
      headers: { 'content-type': 'image/png', [LEASE_HEADER]: task.leaseToken, ...(await signRequest(inject('fleetSecret'), 'PUT', path, bytes)) },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return String(((await res.json()) as { id: string }).id);
  }
}
