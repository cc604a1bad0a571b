import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunEvent } from '@trawl/schemas';
import { fixtureJobs } from '../../fixtures/src/jobs.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg } from './client.ts';
import { runJobToEnd } from './run-job.ts';
import { httpProxy, socksProxy, type UpstreamServer } from './upstream-proxies.ts';

type Row = Record<string, unknown>;
const bySku = (rows: Row[]) => [...rows].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
const CREDS_A = { username: 'alice-upstream', password: 'pw-A-7c1e94d2b5' };
const CREDS_S = { username: 'sam-socks', password: 'pw-S-3f08a6e17d' };
const SECRETS = [CREDS_A.password, CREDS_S.password, Buffer.from(`${CREDS_A.username}:${CREDS_A.password}`).toString('base64')];

/**
 * Upstream proxies through the whole product (ADR 0035): proxies stored per organization, a job's pages sent
 * through them in rotation by a real fleet node and Chromium, each page's proxy recorded; one proxy dead; a private
 * target or a proxy outside the node's allowance refused before any upstream sees it.
 */
describe('upstream proxies', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let fleet: FleetNode;
  let a: UpstreamServer;
  let b: UpstreamServer;
  let s: UpstreamServer;
  let dead: UpstreamServer;
  let unlisted: UpstreamServer;
  let target: Server;
  let targetHits = 0;
  const jobs = () => fixtureJobs(inject('fixtureUrl'));
  const fixture = new URL(inject('fixtureUrl'));
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [a, b, s, dead, unlisted] = await Promise.all([httpProxy(CREDS_A), httpProxy(), socksProxy(CREDS_S), httpProxy(), httpProxy()]);
    target = createServer((_req, res) => { targetHits++; res.end('<ul><li class="product">secret</li></ul>'); });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    // The node may reach the fixture and four of the proxies; `unlisted` is on a private address it was not allowed.
    [org, fleet] = await Promise.all([newOrg('Proxies'), startFleet({
      edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), slots: 2,
      allow: [...inject('fleetAllow'), a.hostPort, b.hostPort, s.hostPort, dead.hostPort],
    })]);
    const add = async (name: string, server: UpstreamServer, creds?: { username: string; password: string }) => {
      const res = await api(org.key, 'POST', '/v1/proxies', { name, url: server.url, ...creds });
      expect(res.status, res.text).toBe(201);
      ids[name] = String(res.body.id);
    };
    await add('A', a, CREDS_A);
    await add('B', b);
    await add('S', s, CREDS_S);
    await add('dead', dead);
    await add('unlisted', unlisted);
    await dead.close();
  });
  afterAll(async () => {
    await fleet?.stop();
    await Promise.all([a, b, s, unlisted].map((p) => p?.close()));
    target?.close();
  });

  async function runToEnd(name: string, spec: unknown) {
    const r = await runJobToEnd(org.key, name, spec);
    const events = await followEvents(org.key, r.runId);
    return { runId: r.runId, done: r.run, items: r.items, events, text: `${r.jobText}${r.resultsText}${JSON.stringify(events)}` };
  }
  /** Each page's proxy as the run's events record it: path → proxy id. */
  const proxyOfPage = (events: RunEvent[]) => Object.fromEntries(events.filter((e) => e.type === 'task.succeeded')
    .map((e) => [new URL(String(e.url)).pathname, (e.data as { proxyId?: string }).proxyId]));
  /** The fixture pages a proxy's own log says it carried (absolute-form GETs). */
  const pagesIn = (p: UpstreamServer) => p.log.filter((l) => l.startsWith(`GET http://${fixture.host}/numbered/`)).map((l) => new URL(l.slice(4)).pathname).toSorted();
  const PAGES = ['/numbered/page-1', '/numbered/page-2', '/numbered/page-3'];

  it('lists proxies without credentials; a job may name only its own organization\'s proxies', async () => {
    const list = await api(org.key, 'GET', '/v1/proxies');
    expect(list.status).toBe(200);
    expect(list.body.data).toContainEqual({ id: ids.A, name: 'A', scheme: 'http', host: '127.0.0.1', port: Number(new URL(a.url).port), country: null, hasCredentials: true, createdAt: expect.any(Number) });
    expect(list.body.data).toContainEqual(expect.objectContaining({ id: ids.S, scheme: 'socks5', hasCredentials: true }));
    for (const secret of [...SECRETS, CREDS_A.username]) expect(list.text).not.toContain(secret);

    const other = await newOrg('Proxies other');
    const stolen = await api(other.key, 'POST', '/v1/jobs', { name: 'x', spec: { ...jobs().urlTemplate.spec, proxy: { pool: [ids.A] } } });
    expect(stolen.status).toBe(400);
    expect(stolen.body).toMatchObject({ error: { code: 'INVALID_SPEC', details: { issues: [{ path: 'spec.proxy.pool.0' }] } } });
    const noCountry = await api(org.key, 'POST', '/v1/jobs', { name: 'x', spec: { ...jobs().urlTemplate.spec, proxy: { pool: [ids.A], country: 'de' } } });
    expect(noCountry.body).toMatchObject({ error: { code: 'INVALID_SPEC', details: { issues: [{ path: 'spec.proxy.country' }] } } });
    const withCreds = await api(org.key, 'POST', '/v1/proxies', { name: 'inline', url: 'http://u:p@203.0.113.9:8080' });
    expect(withCreds.body).toMatchObject({ error: { code: 'INVALID_SPEC', details: { issues: [{ path: 'url' }] } } });
  });

  it('per-task rotation over two healthy proxies: each page\'s proxy is the one whose own log shows it', async () => {
    a.log.length = 0;
    b.log.length = 0;
    const r = await runToEnd('Rotate', { ...jobs().urlTemplate.spec, concurrency: 1, proxy: { pool: [ids.A, ids.B], rotate: 'per-task' } });
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 3, pagesFailed: 0, retries: 0, items: 12 } });
    expect(bySku(r.items)).toEqual(bySku(jobs().urlTemplate.expected));
    // Turns 0, 1, 2 of the run: A, B, A.
    expect(pagesIn(a)).toHaveLength(2);
    expect(pagesIn(b)).toHaveLength(1);
    expect([...pagesIn(a), ...pagesIn(b)].toSorted()).toEqual(PAGES);
    const served = proxyOfPage(r.events);
    expect(served).toEqual(Object.fromEntries(PAGES.map((p) => [p, pagesIn(a).includes(p) ? ids.A : ids.B])));
    for (const secret of SECRETS) expect(r.text).not.toContain(secret);
  });

  it('a dead proxy is skipped: every page goes through the SOCKS5 one, nothing is lost or retried', async () => {
    s.log.length = 0;
    const r = await runToEnd('Failover', { ...jobs().urlTemplate.spec, concurrency: 1, proxy: { pool: [ids.dead, ids.S], rotate: 'per-task' } });
    expect(r.done).toMatchObject({ status: 'succeeded', counts: { pagesSucceeded: 3, pagesFailed: 0, retries: 0, items: 12 } });
    expect(bySku(r.items)).toEqual(bySku(jobs().urlTemplate.expected));
    expect(proxyOfPage(r.events)).toEqual(Object.fromEntries(PAGES.map((p) => [p, ids.S])));
    // The SOCKS5 proxy was given the fixture's checked address for every page (and robots.txt).
    expect(s.log.filter((l) => l === `CONNECT ${fixture.hostname}:${fixture.port}`).length).toBeGreaterThanOrEqual(3);
    expect(s.log.every((l) => l === `CONNECT ${fixture.hostname}:${fixture.port}`)).toBe(true);
    const failover = r.events.filter((e) => e.message.startsWith(`upstream proxy ${ids.dead} failed`));
    expect(failover.length).toBeGreaterThanOrEqual(1);
    expect(failover[0]?.data).toMatchObject({ proxyId: ids.dead, next: ids.S });
    for (const secret of SECRETS) expect(r.text).not.toContain(secret);
  });

  it('a private target is refused before the upstream sees it', async () => {
    a.log.length = 0;
    targetHits = 0;
    const port = (target.address() as AddressInfo).port;
    const spec = { ...jobs().urlTemplate.spec, pagination: undefined, startUrls: [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, 'http://10.1.2.3/'],
      proxy: { pool: [ids.A] }, retry: { maxAttempts: 1 } };
    const r = await runToEnd('Private target', spec);
    expect(r.done).toMatchObject({ status: 'failed', counts: { pagesSucceeded: 0, pagesFailed: 3 } });
    const codes = r.events.filter((e) => e.type === 'task.failed').map((e) => (e.data as { error: { code: string } }).error.code);
    expect(codes).toEqual(['BLOCKED_BY_POLICY', 'BLOCKED_BY_POLICY', 'BLOCKED_BY_POLICY']);
    expect(a.log).toEqual([]);
    expect(targetHits).toBe(0);
  });

  it('a proxy on a private address the node does not allow is refused at use: PROXY_FAILED, and it never hears from the node', async () => {
    const r = await runToEnd('Private proxy', { ...jobs().urlTemplate.spec, pagination: undefined, proxy: { pool: [ids.unlisted] }, retry: { maxAttempts: 1 } });
    expect(r.done).toMatchObject({ status: 'failed', counts: { pagesSucceeded: 0, pagesFailed: 1 } });
    const failed = r.events.find((e) => e.type === 'task.failed');
    expect(failed?.data).toMatchObject({ error: { code: 'PROXY_FAILED' } });
    expect(unlisted.connections).toBe(0);
    expect(unlisted.log).toEqual([]);
  });
});
