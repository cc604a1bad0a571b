import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ERRORS } from '@trawl/schemas';
import { freePort } from '../../scripts/lib/proc.ts';
import { createOrg, startEdge, startFleet, type Edge, type FleetNode } from '../../scripts/lib/stack.ts';

/**
 * The stack with production settings (ADR 0024): its own edge with ENVIRONMENT=production (so no private targets)
 * and its own fleet node allowed exactly one host:port, the test's site. The site is reached by a name the edge
 * takes for public (shop.test, answered by the node's FLEET_HOSTS, as DNS would in production); its pages try the
 * edge, the node's control port and another local port, which must all be refused and listed per run.
 */
const SITE_NAME = 'shop.test';
const fleetSecret = randomBytes(24).toString('hex');
const adminToken = randomBytes(24).toString('hex');
const persistDir = mkdtempSync(join(tmpdir(), 'trawl-e2e-prod-'));
let edge: Edge;
let fleet: FleetNode;
let site: Server;
let other: Server;
let otherHits = 0;
let key = '';
const ports = { site: 0, other: 0, edge: 0, fleet: 0 };

const ITEMS = ['Anchor', 'Buoy', 'Compass'];
/** The local addresses a page of the allowed site tries: the edge, the fleet node's control port, another local port. */
const attacks = (): string[] => [
  `http://127.0.0.1:${ports.edge}/health`, `http://127.0.0.1:${ports.fleet}/health`, `http://127.0.0.1:${ports.other}/data`,
  `http://${SITE_NAME}:${ports.other}/data`,
];

function sitePage(path: string): { status: number; headers: Record<string, string>; body: string } {
  const items = ITEMS.map((n) => `<li class="item"><span class="name">${n}</span></li>`).join('');
  if (path === '/redirect') return { status: 302, headers: { location: `http://127.0.0.1:${ports.other}/data` }, body: '' };
  if (path !== '/') return { status: 404, headers: {}, body: 'not here' };
  // The items appear once every attempt has settled, so the runner's wait for them also waits for the attempts.
  const script = `Promise.allSettled(${JSON.stringify(attacks())}.map((u) => fetch(u, { mode: 'no-cors' })))
    .then(() => { document.getElementById('list').innerHTML = ${JSON.stringify(items)}; });`;
  return { status: 200, headers: { 'content-type': 'text/html' }, body: `<!doctype html><ul id="list"></ul><script>${script}</script>` };
}

const listen = async (s: Server): Promise<number> => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
};

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${edge.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function finishedRun(url: string): Promise<{ id: string; run: Record<string, unknown> }> {
  const spec = { startUrls: [url], itemSelector: 'li.item', fields: { name: { selector: '.name', required: true } }, retry: { maxAttempts: 1 } };
  const job = await call('POST', '/v1/jobs', { name: `prod ${url}`, spec });
  expect(job.status).toBe(201);
  const started = await call('POST', `/v1/jobs/${String(job.body.id)}/runs`);
  expect(started.status).toBe(201);
  const id = String(started.body.id);
  for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const run = await call('GET', `/v1/runs/${id}`);
    if (!['queued', 'running'].includes(String(run.body.status))) return { id, run: run.body };
  }
  throw new Error(`run ${id} did not finish`);
}

const blockedUrls = async (runId: string): Promise<string[]> => {
  const res = await call('GET', `/v1/runs/${runId}/blocked`);
  expect(res.status).toBe(200);
  return [...new Set((res.body.data as Array<{ url: string }>).map((b) => b.url))].toSorted();
};

describe('the stack with production settings', () => {
  beforeAll(async () => {
    site = createServer((req, res) => {
      const page = sitePage(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(page.status, page.headers).end(page.body);
    });
    other = createServer((_req, res) => {
      otherHits++;
      res.writeHead(200, { 'access-control-allow-origin': '*' }).end('secret');
    });
    [ports.site, ports.other, ports.edge] = await Promise.all([listen(site), listen(other), freePort()]);
    edge = await startEdge({
      persistDir, port: ports.edge,
      vars: { ENVIRONMENT: 'production', ALLOW_PRIVATE_TARGETS: 'false', FLEET_SECRET: fleetSecret, ADMIN_TOKEN: adminToken,
        CREDENTIALS_KEY: randomBytes(32).toString('hex'), LEASE_MS: '5000', SITE_MIN_DELAY_MS: '0' },
      echo: process.env.TRAWL_VERBOSE === '1',
    });
    ports.fleet = await freePort();
    fleet = await startFleet({ edgeUrl: edge.url, secret: fleetSecret, port: ports.fleet, slots: 2, allow: [`127.0.0.1:${ports.site}`], hosts: { [SITE_NAME]: '127.0.0.1' } });
    key = (await createOrg(edge.url, adminToken, 'Production')).key;
  });

  afterAll(async () => {
    await fleet?.stop(2000);
    await edge?.stop();
    await Promise.all([site, other].map((s) => new Promise((r) => s?.close(r))));
    rmSync(persistDir, { recursive: true, force: true });
  });

  it('refuses on save, with 400 UNREACHABLE_TARGET and its hint, every class of private target', async () => {
    const targets = [
      'http://[::7f00:1]/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::7f00:1]/', 'http://[64:ff9b:1::a00:1]/', 'http://[2002:7f00:1::]/',
      'http://[2001::1]/', 'http://192.0.2.1/', 'http://198.51.100.1/', 'http://203.0.113.1/', 'http://[2001:db8::1]/', 'http://[3fff::1]/',
      'http://localhost./', 'http://LOCALHOST./', 'http://example.com:0/', 'http://0x7f.1/', 'http://printer.local/', 'http://169.254.169.254/',
      `http://127.0.0.1:${ports.site}/`,
    ];
    for (const url of targets) {
      const res = await call('POST', '/v1/jobs', { name: 'private', spec: { startUrls: [url], itemSelector: 'li', fields: { a: {} } } });
      expect(res.status, url).toBe(400);
      const error = res.body.error as { code: string; hint: string; details: { issues: Array<{ path: string; message: string }> } };
      expect(error.code, url).toBe('UNREACHABLE_TARGET');
      expect(error.hint).toBe(ERRORS.UNREACHABLE_TARGET.hint);
      expect(error.details.issues.map((i) => i.path), url).toEqual(['spec.startUrls.0']);
    }
    const template = await call('POST', '/v1/jobs', { name: 't', spec: { startUrls: ['https://example.com/'], itemSelector: 'li', fields: { a: {} },
      pagination: { type: 'urlTemplate', template: 'http://10.0.0.{n}/', from: 1, to: 3 } } });
    expect([template.status, (template.body.error as { code: string }).code]).toEqual([400, 'UNREACHABLE_TARGET']);
    const preview = await call('POST', '/v1/preview', { spec: { startUrls: ['https://example.com/'], itemSelector: 'li', fields: { a: {} } }, url: 'http://[::1]:9/' });
    expect([preview.status, (preview.body.error as { code: string }).code]).toEqual([400, 'UNREACHABLE_TARGET']);
    const login = await call('POST', '/v1/logins', { name: 'l', credential: { username: 'u', password: 'p' },
      flow: { url: 'http://nas.home.arpa/login', steps: [{ do: 'click', selector: 'button' }] } });
    expect([login.status, (login.body.error as { code: string }).code]).toEqual([400, 'UNREACHABLE_TARGET']);
  });

  it('refuses an upstream proxy on a private address or name: 400 PRIVATE_PROXY, nothing stored', async () => {
    for (const url of ['http://127.0.0.1:3128', 'socks5://[::1]:1080', 'socks5://localhost:1080', 'http://10.0.0.8:8080', 'http://[::ffff:a9fe:a9fe]:80', 'http://router.internal:3128']) {
      const res = await call('POST', '/v1/proxies', { name: url, url, username: 'u', password: 'private-proxy-pw' });
      expect(res.status, url).toBe(400);
      const error = res.body.error as { code: string; hint: string; details: { issues: Array<{ path: string }> } };
      expect([error.code, error.hint, error.details.issues.map((i) => i.path)], url).toEqual(['PRIVATE_PROXY', ERRORS.PRIVATE_PROXY.hint, ['url']]);
    }
    expect((await call('GET', '/v1/proxies')).body).toEqual({ data: [] });
  });

  it('reaches the one allowed host:port, and lists every other local address its page tried as blocked', async () => {
    const { id, run } = await finishedRun(`http://${SITE_NAME}:${ports.site}/`);
    expect(run.status).toBe('succeeded');
    const items = await call('GET', `/v1/runs/${id}/results?format=json`);
    expect((items.body as unknown as Array<{ name: string }>).map((i) => i.name).toSorted()).toEqual(ITEMS);
    expect(await blockedUrls(id)).toEqual(attacks().toSorted());
    expect(otherHits).toBe(0);
  });

  it('refuses a redirect to another local port and records it', async () => {
    const { id, run } = await finishedRun(`http://${SITE_NAME}:${ports.site}/redirect`);
    expect(run.status).toBe('failed');
    expect(await blockedUrls(id)).toEqual([`http://127.0.0.1:${ports.other}/data`]);
    expect(otherHits).toBe(0);
  });

  it('keeps every secret off the command lines (ps), in a .dev.vars only its owner can read', () => {
    const secrets = [fleetSecret, adminToken, inject('fleetSecret'), inject('adminToken')];
    const lines = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')];
      } catch {
        return []; // the process ended meanwhile
      }
    });
    expect(lines.some((l) => l.includes('wrangler') && l.includes('--env-file'))).toBe(true);
    for (const secret of secrets) expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(statSync(join(persistDir, '.dev.vars')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(persistDir, '.dev.vars'), 'utf8')).toContain(`ADMIN_TOKEN="${adminToken}"`);
  });
});
