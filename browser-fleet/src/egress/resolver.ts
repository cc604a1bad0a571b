import { lookup } from 'node:dns/promises';
import { canonicalHost, isIpLiteral } from '@trawl/schemas';
import type { Resolver } from './check.ts';

const RESOLVE_MS = 5000;

/** The system's resolver (getaddrinfo: /etc/hosts, then DNS), every answer, bounded in time. */
export const systemResolver: Resolver = async (host) => {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS lookup timed out')), RESOLVE_MS).unref());
  const answers = await Promise.race([lookup(host, { all: true, order: 'verbatim' }), timeout]);
  return answers.map((a) => a.address);
};

/**
 * FLEET_HOSTS ("shop.test=127.0.0.1, api.test=::1"): names answered from this list before DNS, like /etc/hosts
 * for this node only. For a stack with production settings on one machine; the answers are checked like any DNS
 * answer, so a private one still needs FLEET_EGRESS_ALLOW. Throws on the first bad entry.
 */
export function parseHosts(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name = '', address = '', extra] = entry.split('=');
    const host = canonicalHost(name);
    const ip = canonicalHost(address);
    if (extra !== undefined || host === null || isIpLiteral(host) || ip === null || !isIpLiteral(ip)) {
      throw new Error(`"${entry}" is not name=address (like shop.test=127.0.0.1)`);
    }
    map.set(host, ip);
  }
  return map;
}

/** The system resolver, with the names of FLEET_HOSTS answered first. */
export function resolverWith(hosts: Map<string, string>, next: Resolver = systemResolver): Resolver {
  if (hosts.size === 0) return next;
  return async (host) => {
    const hit = hosts.get(canonicalHost(host) ?? '');
    return hit ? [hit] : next(host);
  };
}
