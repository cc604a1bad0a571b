import { describe, expect, it } from 'vitest';
import { classifyAddress, type EgressPolicy } from '@trawl/schemas';
import { checkTargets } from '../../edge/src/services/policy/targets.ts';
import { decide } from '../../browser-fleet/src/egress/check.ts';
import { NO_ALLOWANCE } from '../../browser-fleet/src/egress/allowance.ts';

/**
 * One definition of "private" (ADR 0024): every row goes through the edge's save-time check (the function job
 * save, preview and logins call) and the fleet's egress decision, and both must agree. The fleet's resolver answers
 * a public address for any name and records being asked: a refused name must be refused before DNS.
 */
const OPEN: EgressPolicy = { allowDomains: [], denyDomains: [] };
const PUBLIC_ANSWER = '93.184.215.14';

/** [URL, refused, a word of the reason]. The refused rows are every class the edge used to let through, and more. */
const TABLE: Array<[string, boolean, string]> = [
  // IPv4 special-purpose registry rows, and the spellings URL parsing folds into them.
  ['http://127.0.0.1/', true, 'Loopback'], ['http://2130706433/', true, 'Loopback'], ['http://0x7f.1/', true, 'Loopback'],
  ['http://0177.0.0.1/', true, 'Loopback'], ['http://127.1/', true, 'Loopback'], ['http://127.0.0.1./', true, 'Loopback'],
  ['http://0.0.0.0/', true, 'This host'], ['http://0.1.2.3/', true, 'This network'], ['http://10.1.2.3/', true, 'Private-Use'],
  ['http://172.31.0.1/', true, 'Private-Use'], ['http://192.168.1.1/', true, 'Private-Use'], ['http://100.64.0.1/', true, 'Shared Address Space'],
  ['http://169.254.169.254/latest/', true, 'Link Local'], ['http://192.0.0.8/', true, 'dummy'], ['http://192.0.0.9/', true, 'Port Control'],
  ['http://192.0.0.170/', true, 'NAT64/DNS64'], ['http://192.0.2.1/', true, 'TEST-NET-1'], ['http://198.51.100.7/', true, 'TEST-NET-2'],
  ['http://203.0.113.9/', true, 'TEST-NET-3'], ['http://192.88.99.1/', true, '6to4 Relay'], ['http://198.18.0.1/', true, 'Benchmarking'],
  ['http://224.0.0.1/', true, 'Multicast'], ['http://240.0.0.1/', true, 'Reserved'], ['http://255.255.255.255/', true, 'Broadcast'],
  // IPv6 registry rows, and the forms that carry an IPv4 address.
  ['http://[::1]/', true, 'Loopback'], ['http://[::]/', true, 'Unspecified'], ['http://[::ffff:127.0.0.1]/', true, 'IPv4-mapped'],
  ['http://[::ffff:8.8.8.8]/', true, 'IPv4-mapped'], ['http://[::127.0.0.1]/', true, 'IPv4-compatible'], ['http://[::7f00:1]/', true, 'IPv4-compatible'],
  ['http://[64:ff9b::7f00:1]/', true, 'NAT64'], ['http://[64:ff9b::a9fe:a9fe]/', true, 'NAT64'], ['http://[64:ff9b:1::808:808]/', true, 'local-use NAT64'],
  ['http://[2002:7f00:1::1]/', true, '6to4'], ['http://[2002:a00:1::]/', true, '6to4'], ['http://[2001::1]/', true, 'TEREDO'],
  ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', true, 'TEREDO'], ['http://[2001:db8::1]/', true, 'Documentation'], ['http://[3fff::1]/', true, 'Documentation'],
  ['http://[2001:2::1]/', true, 'Benchmarking'], ['http://[100::1]/', true, 'Discard-Only'], ['http://[fd00::1]/', true, 'Unique-Local'],
  ['http://[fe80::1]/', true, 'Link-Local'], ['http://[fec0::1]/', true, 'Site-Local'], ['http://[ff02::1]/', true, 'Multicast'],
  ['http://[5f00::1]/', true, 'SRv6'], ['http://[4000::1]/', true, 'outside 2000::/3'], ['http://[2001:470::200:5efe:a00:1]/', true, 'ISATAP'],
  // Special-use names, in every case and with the trailing dot of a fully qualified name.
  ['http://localhost/', true, 'loopback name'], ['http://localhost./', true, 'loopback name'], ['http://LOCALHOST./', true, 'loopback name'],
  ['http://api.LocalHost/', true, 'loopback name'], ['http://printer.local/', true, 'multicast DNS'], ['http://nas.home.arpa/', true, 'home network'],
  ['http://db.internal./', true, 'private-use'], ['http://abc.onion/', true, 'onion'],
  // Ports: 0 is no port a site listens on.
  ['http://example.com:0/', true, 'port 0'], ['http://8.8.8.8:0/', true, 'port 0'],
  // Public: literals and names, on any real port.
  ['http://8.8.8.8/', false, ''], ['https://1.1.1.1:8443/', false, ''], ['http://[2606:4700::1111]/', false, ''], ['http://[64:ff9b::808:808]/', false, ''],
  ['http://[2002:808:808::1]/', false, ''], ['http://192.0.0.255.example.com/', false, ''], ['https://example.com/', false, ''], ['http://localhost.example.com/', false, ''],
  ['http://local.example/', false, ''], ['http://example.com:65535/', false, ''],
];

function edgeVerdict(url: string): string | null {
  try {
    checkTargets([{ path: 'url', url }], OPEN, false);
    return null;
  } catch (e) {
    const err = e as { code?: string; details?: { issues?: Array<{ message: string }> } };
    return `${err.code ?? '?'}: ${err.details?.issues?.[0]?.message ?? ''}`;
  }
}

async function fleetVerdict(url: string): Promise<{ reason: string | null; asked: string[] }> {
  const u = new URL(url);
  const asked: string[] = [];
  const d = await decide(
    { host: u.hostname, port: u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80 },
    { policy: OPEN, allow: NO_ALLOWANCE, resolve: async (h) => { asked.push(h); return [PUBLIC_ANSWER]; } },
  );
  return { reason: d.ok ? null : d.reason, asked };
}

describe('one definition of private, edge and fleet alike', () => {
  it.each(TABLE)('%s refused=%s (%s)', async (url, refused, word) => {
    const edge = edgeVerdict(url);
    const fleet = await fleetVerdict(url);
    if (refused) {
      expect(edge).toMatch(/^UNREACHABLE_TARGET: /);
      expect(edge?.toLowerCase()).toContain(word.toLowerCase());
      expect(fleet.reason?.toLowerCase()).toContain(word.toLowerCase());
      expect(fleet.asked).toEqual([]);
    } else {
      expect(edge).toBeNull();
      expect(fleet.reason).toBeNull();
    }
  });

  it('refuses text that is not exactly one address, so a parser gap fails closed', () => {
    for (const bad of ['', '1.2.3', '01.2.3.4', '1.2.3.256', '::1::', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', 'example.com', ':::', '1:2:3:4:5:6:7::8']) {
      expect(classifyAddress(bad).refused, bad).toBe(true);
    }
    expect(classifyAddress('[::ffff:7f00:1]')).toEqual({ refused: true, name: 'IPv4-mapped Address', source: '::ffff:0:0/96, RFC4291', embeds: '127.0.0.1', embedsName: 'Loopback' });
    expect(classifyAddress('2001:0:4136:e378:8000:63bf:3fff:fdd2').embeds).toBe('192.0.2.45');
  });

  it('lets the local stack turn the rule off on the edge (ALLOW_PRIVATE_TARGETS), never the domain policy', () => {
    expect(() => checkTargets([{ path: 'url', url: 'http://127.0.0.1:9/' }], OPEN, true)).not.toThrow();
    expect(() => checkTargets([{ path: 'url', url: 'http://127.0.0.1:9/' }], { allowDomains: ['shop.test'], denyDomains: [] }, true)).toThrow(/domain policy/);
  });
});
