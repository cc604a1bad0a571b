import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { TaskResult } from '@trawl/schemas';
import { parseAllowance } from '../src/egress/allowance.ts';
import { EgressProxy } from '../src/egress/proxy.ts';
import { silentLogger } from '../src/log.ts';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { startServers, type Servers } from './egress-sites.ts';
import { makeTask } from './fixtures.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';

/**
 * The bypass suite: SSRF attack URLs through real Chromium and the fleet's runner with the
 * production rules (nothing private allowed) except the attacker's own site on 127.0.0.2, which
 * stands in for a public page. The target on 127.0.0.1 counts every connection and must see none,
 * and the proxy must never open a socket to anything but 127.0.0.2.
 */
let pool: BrowserPool;
let servers: Servers;
let P = 0;
const connects: string[] = [];

// Names never reach a real DNS server: the test's resolver answers for the few it knows.
const NAMES: Record<string, string[]> = { localhost: ['127.0.0.1'], 'evil.test': ['127.0.0.1'], 'mixed.test': ['127.0.0.2', '10.0.0.1'] };
let rebindLookups = 0;
const egress = new EgressProxy({
  allow: parseAllowance('127.0.0.2/32'),
  onConnect: (address, port) => connects.push(`${address}:${port}`),
  resolve: async (host) => {
    // DNS rebinding: the first answer passes the check, every later one points at the target.
    if (host === 'rebind.test') return rebindLookups++ === 0 ? ['127.0.0.2'] : ['127.0.0.1'];
    const known = NAMES[host];
    if (!known) throw new Error(`ENOTFOUND ${host}`);
    return known;
  },
});

const attacks = (): string[] => [
  `http://127.0.0.1:${P}/`, `http://localhost:${P}/`, `http://2130706433:${P}/`, `http://0x7f000001:${P}/`,
  `http://0177.0.0.1:${P}/`, `http://127.1:${P}/`, `http://[::1]:${P}/`, `http://[::ffff:127.0.0.1]:${P}/`,
  `http://[::ffff:7f00:1]:${P}/`, 'http://169.254.169.254/latest/meta-data/', `http://0.0.0.0:${P}/`, 'http://10.0.0.1/',
  'http://192.168.1.1/', 'http://100.64.0.1/', 'http://[fd00::1]/', 'http://224.0.0.1/', `https://127.0.0.1:${P}/`,
  `http://evil.test:${P}/`, `http://mixed.test:${P}/`, 'file:///etc/passwd', `view-source:http://127.0.0.1:${P}/`,
  'data:text/html,<h1>data</h1>', 'chrome://version',
];

const isHttp = (u: string): boolean => /^https?:/.test(u);
/** Which attacks a vector can express at all (fetch('chrome://x') and new WebSocket('file:...') throw before any request). */
const APPLIES: Record<string, (u: string) => boolean> = {
  task: () => true, redirect: () => true, 'meta-refresh': () => true, location: () => true,
  iframe: (u) => !u.startsWith('data:'), 'iframe-redirect': () => true, img: (u) => !u.startsWith('data:'),
  fetch: (u) => isHttp(u) || u.startsWith('file:'), websocket: isHttp,
};

const port = (u: URL): string => u.port || (u.protocol === 'https:' ? '443' : '80');

/** The blocked entry that reports `attack`: same host and port as the proxy saw them, or the same non-http scheme. */
function reportOf(result: TaskResult, attack: string): TaskResult['blocked'] extends (infer L)[] | undefined ? L | undefined : never {
  const a = new URL(attack);
  return result.blocked?.find((b) => {
    // Chromium refuses a redirect to a non-http URL with only an error code: the entry names the redirecting URL.
    if (!isHttp(attack)) return b.url.startsWith(a.protocol) || /redirect to a URL that is not http/.test(b.reason);
    if (!URL.canParse(b.url)) return false;
    const u = new URL(b.url);
    // A tunnelled request (https, WebSocket) is recorded as https://host:port/ whatever its scheme.
    return u.hostname === a.hostname && (port(u) === port(a) || (u.protocol === 'https:' && u.port === a.port));
  });
}

const tally = { tried: 0, blocked: 0 };

beforeAll(async () => {
  [pool, servers] = await Promise.all([
    new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger, requireProxy: true }).start(),
    startServers(),
  ]);
  P = servers.port;
});
afterAll(async () => {
  process.stdout.write(`egress bypass suite: ${tally.tried} attacks tried, ${tally.blocked} blocked, ${servers?.targetHits() ?? '?'} reached the target\n`);
  await Promise.all([pool?.close(), servers?.close()]);
});

// A page Chromium keeps (it refused the navigation) has no items: a short wait keeps the suite fast.
const run = (url: string, waitMs = 1000): Promise<TaskResult> => runTask(makeTask(url, {}, { browser: { waitUntil: 'load' }, wait: { timeoutMs: waitMs } }), pool, { nodeId: 'nod_test', egress });

function expectClean(): void {
  expect(servers.targetHits()).toBe(0);
  expect(connects.filter((c) => c !== `127.0.0.2:${P}`)).toEqual([]);
}

describe('egress bypass suite (production policy, real Chromium)', () => {
  it('DNS rebinding: the proxy connects to the address it checked, and checks again on every request', async () => {
    // Lookup 1 (the runner's check of the task URL) says 127.0.0.2; lookup 2 (Chromium's request) says 127.0.0.1.
    const result = await run(`http://rebind.test:${P}/ok`);
    tally.tried++;
    expect(rebindLookups).toBeGreaterThanOrEqual(2); // a favicon request may add one
    expect(result.error).toMatchObject({ code: 'BLOCKED_BY_POLICY', step: 'navigate' });
    expect(result.blocked).toContainEqual(expect.objectContaining({ host: 'rebind.test', address: '127.0.0.1' }));
    tally.blocked++;
    expectClean();
  });

  it('a page cannot reach the browser\'s CDP bridge (the node\'s WebSocket on 127.0.0.1; Chromium itself has no port)', async () => {
    const [endpoint] = pool.endpoints();
    const cdpPort = Number(new URL(endpoint!).port);
    const hex = cdpPort.toString(16).toUpperCase().padStart(4, '0');
    const listeners = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => readFileSync(f, 'utf8').split('\n'))
      .map((l) => l.trim().split(/\s+/)).filter((c) => c[1]?.endsWith(`:${hex}`) && c[3] === '0A').map((c) => c[1]);
    expect(listeners).toEqual([`0100007F:${hex}`]);
    const cdp = `http://127.0.0.1:${cdpPort}/json/version`;
    for (const result of [await run(cdp), await run(`${servers.siteUrl}/attack/fetch?u=${encodeURIComponent(cdp)}`, 15_000)]) {
      tally.tried++;
      expect(reportOf(result, cdp), JSON.stringify(result)).toMatchObject({ address: '127.0.0.1' });
      tally.blocked++;
    }
    expect(connects.filter((c) => c.endsWith(`:${cdpPort}`))).toEqual([]);
  });

  it('a page cannot start at a private address: the task URL is refused with the reason', async () => {
    for (const attack of attacks()) {
      const result = await run(attack);
      tally.tried++;
      expect(result.error?.code, attack).toBe('BLOCKED_BY_POLICY');
      expect(result.error?.message, attack).toMatch(/blocked|only http/);
      tally.blocked++;
    }
    expectClean();
  }, 120_000);

  it.each(['redirect', 'meta-refresh', 'location'])('a main-frame navigation by %s is blocked and fails the task', async (vector) => {
    for (const attack of attacks().filter(APPLIES[vector] ?? (() => false))) {
      const url = vector === 'redirect' ? `${servers.siteUrl}/redirect?to=${encodeURIComponent(attack)}` : `${servers.siteUrl}/attack/${vector}?u=${encodeURIComponent(attack)}`;
      const result = await run(url);
      tally.tried++;
      // The one case Chromium refuses without a trace we can read: a 302 to view-source: ends as ERR_ABORTED.
      const abortedRedirect = vector === 'redirect' && attack.startsWith('view-source:') && result.error?.step === 'navigate';
      if (!abortedRedirect) expect(reportOf(result, attack), `${vector} ${attack}: ${JSON.stringify(result.blocked)}`).toBeDefined();
      // Chromium itself refuses file:, chrome:, view-source: and top-level data: from a page; the page stays where it was.
      if (isHttp(attack) || (vector === 'redirect' && !abortedRedirect)) expect(result.error?.code, `${vector} ${attack}`).toBe('BLOCKED_BY_POLICY');
      tally.blocked++;
    }
    expectClean();
  }, 120_000);

  it.each(['iframe', 'iframe-redirect', 'img', 'fetch', 'websocket'])('sub-resources by %s are blocked and listed', async (vector) => {
    const list = attacks().filter(APPLIES[vector] ?? (() => false));
    const result = await run(`${servers.siteUrl}/attack/${vector}?${list.map((a) => `u=${encodeURIComponent(a)}`).join('&')}`, 15_000);
    expect(result.outcome, JSON.stringify(result.error)).toBe('succeeded');
    for (const attack of list) {
      tally.tried++;
      const report = reportOf(result, attack);
      expect(report, `${vector} ${attack}: ${JSON.stringify(result.blocked)}`).toBeDefined();
      expect(report?.reason).toBeTruthy();
      if (report && isHttp(attack) && !isIP(report.host) && report.host !== 'localhost') expect(report.address ?? report.reason).toBeTruthy();
      tally.blocked++;
    }
    expectClean();
  }, 60_000);

  it('service workers cannot be registered, so none fetches around the page', async () => {
    const result = await run(`${servers.siteUrl}/attack/service-worker?u=${encodeURIComponent(`http://127.0.0.1:${P}/`)}`, 15_000);
    tally.tried++;
    expect(result.outcome).toBe('succeeded');
    tally.blocked++;
    expectClean();
  });
});
