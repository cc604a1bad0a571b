import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { domainAllowed, EgressPolicy } from '@trawl/schemas';
import { addressDenyReason } from '../src/egress/address.ts';
import { parseAllowance } from '../src/egress/allowance.ts';
import { decide, normalizeTargetHost, type EgressRules } from '../src/egress/check.ts';
import { EgressProxy } from '../src/egress/proxy.ts';
import { startServers } from './egress-sites.ts';

const OPEN: EgressPolicy = { allowDomains: [], denyDomains: [] };

describe('addressDenyReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['0.0.0.0', 'unspecified'], ['10.1.2.3', 'private'], ['172.31.0.1', 'private'],
    ['192.168.1.1', 'private'], ['169.254.169.254', 'link-local'], ['100.64.0.1', 'CGNAT'], ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'], ['255.255.255.255', 'broadcast'], ['198.18.0.1', 'benchmarking'], ['192.0.2.1', 'documentation'],
    ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1', 'link-local'], ['fd00::1', 'unique-local'], ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'], ['::ffff:7f00:1', 'IPv4-mapped'], ['::ffff:8.8.8.8', 'IPv4-mapped'], ['::7f00:1', 'IPv4-compatible'],
    ['64:ff9b::a00:1', 'NAT64'], ['2002:7f00:1::', '6to4'], ['2001::1', 'Teredo'], ['2001:db8::1', 'documentation'],
    ['fe80::1%eth0', 'not an IPv6'], ['localhost', 'not an IP'],
  ])('%s is denied (%s)', (ip, reason) => {
    expect(addressDenyReason(ip)).toContain(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111', '64:ff9b::808:808', '2002:808:808::1'])('%s is public', (ip) => {
    expect(addressDenyReason(ip)).toBeNull();
  });

  it.each(['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '127.0.0.1.'])('the spelling %s normalizes to 127.0.0.1 and is denied', (host) => {
    const normal = normalizeTargetHost(host);
    expect(normal).toBe('127.0.0.1');
    expect(addressDenyReason(normal ?? '')).toBe('loopback');
  });
});

describe('allowance and domain policy', () => {
  it('allows only what is listed, and never the IPv4-mapped form of it', () => {
    const allow = parseAllowance('127.0.0.2/32, 10.0.0.0/8');
    expect([allow.allows('127.0.0.2'), allow.allows('10.9.9.9'), allow.allows('127.0.0.1'), allow.allows('::ffff:127.0.0.2')]).toEqual([true, true, false, false]);
    expect(() => parseAllowance('127.0.0.1/33')).toThrow(/CIDR/);
    expect(parseAllowance('').entries).toEqual([]);
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
});

describe('EgressProxy', () => {
  it('connects to the address it checked, never a second answer (rebinding), and answers 403 with the reason', async () => {
    const servers = await startServers();
    const connects: string[] = [];
    let lookups = 0;
    const proxy = new EgressProxy({
      allow: parseAllowance('127.0.0.2/32'), onConnect: (a, p) => connects.push(`${a}:${p}`),
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
      expect(second).toContain('127.0.0.1 is a loopback address');
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
