import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { domainAllowed, EgressPolicy } from '@trawl/schemas';
import { parseAllowance } from '../src/egress/allowance.ts';
import { parseHosts, resolverWith } from '../src/egress/resolver.ts';
import { loadConfig } from '../src/config.ts';
import { decide, normalizeTargetHost, type EgressRules } from '../src/egress/check.ts';
import { EgressProxy } from '../src/egress/proxy.ts';
import { startServers } from './egress-sites.ts';

const OPEN: EgressPolicy = { allowDomains: [], denyDomains: [] };

// Which addresses and names are private is one table, run through this check and the edge's: schemas/test/address-class.test.ts.
describe('host spelling', () => {
  it.each(['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '127.0.0.1.'])('the spelling %s normalizes to 127.0.0.1 and is refused', async (host) => {
    expect(normalizeTargetHost(host)).toBe('127.0.0.1');
    expect(await decide({ host, port: 80 }, rules({}))).toMatchObject({ ok: false, host: '127.0.0.1', reason: expect.stringContaining('Loopback') });
  });
});

describe('allowance and domain policy', () => {
  it('allows only the host:port pairs listed, never the IPv4-mapped form, never a reserved port', () => {
    const allow = parseAllowance('127.0.0.2:3000, [::1]:3001, localhost:5173');
    const pairs: Array<[string, string, number]> = [
      ['127.0.0.2', '127.0.0.2', 3000], ['evil.test', '127.0.0.2', 3000], ['x', '::1', 3001], ['localhost', '127.0.0.1', 5173],
      ['127.0.0.2', '127.0.0.2', 3001], ['127.0.0.1', '127.0.0.1', 3000], ['x', '::ffff:127.0.0.2', 3000], ['127.0.0.1', '127.0.0.1', 5173],
    ];
    expect(pairs.map(([h, a, p]) => allow.allows(h, a, p))).toEqual([true, true, true, true, false, false, false, false]);
    allow.reserve(3000);
    allow.reserve(() => [3001]);
    expect(allow.allows('127.0.0.2', '127.0.0.2', 3000)).toBe(false);
    expect(allow.allows('x', '::1', 3001)).toBe(false);
    expect(allow.allows('localhost', '127.0.0.1', 5173)).toBe(true);
  });

  it.each(['127.0.0.1/32', '127.0.0.1', '10.0.0.0/8:80', '127.0.0.1:0', '127.0.0.1:70000', 'localhost:', '::1:80', 'http://127.0.0.1:80'])('refuses the entry %s', (entry) => {
    expect(() => parseAllowance(entry)).toThrow(/host:port/);
  });

  it('answers FLEET_HOSTS names before DNS, and refuses entries that are not name=address', async () => {
    const resolve = resolverWith(parseHosts('Shop.Test.=127.0.0.1, v6.test=[::1]'), async (h) => [`dns:${h}`]);
    expect([await resolve('shop.test'), await resolve('v6.test'), await resolve('other.test')]).toEqual([['127.0.0.1'], ['::1'], ['dns:other.test']]);
    for (const bad of ['shop.test', 'shop.test=', '127.0.0.1=127.0.0.1', 'shop.test=not-an-ip', 'a=1.2.3.4=5']) expect(() => parseHosts(bad), bad).toThrow(/name=address/);
    expect(() => loadConfig({ FLEET_SECRET: 'x'.repeat(16), FLEET_EGRESS_ALLOW: '127.0.0.1/32' })).toThrow(/FLEET_EGRESS_ALLOW: "127.0.0.1\/32" is not host:port/);
  });

  it('has nothing to allow when empty', () => {
    expect(parseAllowance('').entries).toEqual([]);
    expect(parseAllowance(undefined).allows('127.0.0.1', '127.0.0.1', 80)).toBe(false);
  });

  it('matches exact hosts and wildcards; deny wins; an empty allow-list allows any host', () => {
    const policy = EgressPolicy.parse({ allowDomains: ['*.Example.com', 'shop.test.'], denyDomains: ['admin.example.com'] });
    expect(['a.example.com', 'a.b.example.com', 'shop.test', 'SHOP.TEST.'].map((h) => domainAllowed(h, policy))).toEqual([true, true, true, true]);
    expect(['example.com', 'admin.example.com', 'evil-example.com', 'other.test'].map((h) => domainAllowed(h, policy))).toEqual([false, false, false, false]);
    expect(domainAllowed('anything.org', OPEN)).toBe(true);
    expect(EgressPolicy.safeParse({ allowDomains: ['exa mple.com'] }).success).toBe(false);
  });
});

const rules = (answers: Record<string, string[]>, allow = ''): EgressRules => ({
  policy: OPEN, allow: parseAllowance(allow), resolve: async (h) => answers[h] ?? Promise.reject(new Error('ENOTFOUND')),
});

describe('decide', () => {

  it('refuses a name when any of its addresses is private, and names the address', async () => {
    expect(await decide({ host: 'mixed.test', port: 80 }, rules({ 'mixed.test': ['8.8.8.8', '10.0.0.1'] }))).toMatchObject({ ok: false, address: '10.0.0.1' });
    expect(await decide({ host: 'pub.test', port: 80 }, rules({ 'pub.test': ['8.8.8.8'] }))).toEqual({ ok: true, host: 'pub.test', address: '8.8.8.8', port: 80 });
    expect(await decide({ host: 'gone.test', port: 80 }, rules({}))).toMatchObject({ ok: false, reason: expect.stringContaining('did not resolve') });
  });

  it('lets an allowed name resolve to its private address on its port only, and never a special name otherwise', async () => {
    const answers = { localhost: ['127.0.0.1'] };
    expect(await decide({ host: 'LOCALHOST.', port: 5173 }, rules(answers, 'localhost:5173'))).toEqual({ ok: true, host: 'localhost', address: '127.0.0.1', port: 5173 });
    expect(await decide({ host: 'localhost', port: 5174 }, rules(answers, 'localhost:5173'))).toMatchObject({ ok: false, reason: expect.stringContaining('loopback name') });
    expect(await decide({ host: 'localhost', port: 5173 }, rules(answers, '127.0.0.1:5173'))).toMatchObject({ ok: false, reason: expect.stringContaining('loopback name') });
    expect(await decide({ host: '127.0.0.1', port: 5173 }, rules(answers, '127.0.0.1:5173'))).toMatchObject({ ok: true });
  });
});

describe('EgressProxy', () => {
  it('connects to the address it checked, never a second answer (rebinding), and answers 403 with the reason', async () => {
    const servers = await startServers();
    const connects: string[] = [];
    let lookups = 0;
    const proxy = new EgressProxy({
      allow: parseAllowance(`127.0.0.2:${servers.port}`), onConnect: (a, p) => connects.push(`${a}:${p}`),
      resolve: async () => (lookups++ % 2 === 0 ? ['127.0.0.2'] : ['127.0.0.1']),
    });
    const blocked: string[] = [];
    const lane = await proxy.open({ policy: OPEN, onBlocked: (b) => blocked.push(`${b.host} ${b.address ?? ''}`) });
    const port = Number(new URL(lane.proxy.server).port);
    const ask = (text: string): Promise<string> => new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write(text));
      let out = '';
      s.on('data', (d) => { out += d.toString(); }).on('close', () => resolve(out));
    });
    try {
      const first = await ask(`GET http://rebind.test:${servers.port}/ok HTTP/1.1\r\nhost: rebind.test:${servers.port}\r\nconnection: close\r\n\r\n`);
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      const second = await ask(`GET http://rebind.test:${servers.port}/ok HTTP/1.1\r\nhost: rebind.test:${servers.port}\r\nconnection: close\r\n\r\n`);
      expect(second).toMatch(/^HTTP\/1\.1 403/);
      expect(second).toContain('127.0.0.1 is not a public address: Loopback (127.0.0.0/8, RFC1122)');
      expect(await ask(`CONNECT 10.0.0.1:80 HTTP/1.1\r\nhost: 10.0.0.1:80\r\n\r\n`)).toMatch(/^HTTP\/1\.1 403/);
      expect(await ask(`GET /ok HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
      expect(blocked).toEqual(['rebind.test 127.0.0.1', '10.0.0.1 10.0.0.1']);
      expect(connects).toEqual([`127.0.0.2:${servers.port}`]);
      expect(servers.targetHits()).toBe(0);
    } finally {
      await lane.close();
      await servers.close();
    }
  });
});
