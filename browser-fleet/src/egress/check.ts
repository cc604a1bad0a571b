import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { domainBlockReason, type EgressPolicy } from '@trawl/schemas';
import { addressDenyReason } from './address.ts';
import type { Allowance } from './allowance.ts';

/** Name → every address it resolves to. Injected in tests so no test ever asks a real DNS server. */
export type Resolver = (host: string) => Promise<string[]>;

const RESOLVE_MS = 5000;

export const systemResolver: Resolver = async (host) => {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS lookup timed out')), RESOLVE_MS).unref());
  const answers = await Promise.race([lookup(host, { all: true, order: 'verbatim' }), timeout]);
  return answers.map((a) => a.address);
};

export interface EgressRules {
  policy: EgressPolicy;
  allow: Allowance;
  resolve: Resolver;
}

export interface Target {
  /** Host as written in the URL or CONNECT line, brackets included for IPv6. */
  host: string;
  port: number;
}

/** Allowed: the one address to connect to. Blocked: why, and the address that was refused if any. */
export type Decision =
  | { ok: true; host: string; address: string; port: number }
  | { ok: false; host: string; reason: string; address?: string };

/**
 * WHATWG host parsing, as Chromium does it: 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 all become
 * 127.0.0.1, so every later check sees one spelling. Unparseable hosts are refused.
 */
export function normalizeTargetHost(host: string): string | null {
  const h = host.trim();
  if (!h || /[/?#@\s\\]/.test(h)) return null;
  try {
    return new URL(`http://${isIP(h) === 6 ? `[${h}]` : h}/`).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  } catch {
    return null;
  }
}

/**
 * The whole check for one request, in order: host spelling, domain policy, resolution (ours, once),
 * every resolved address public or explicitly allowed. The caller connects to `address` and nothing
 * else, so a DNS answer that changes between check and connect (rebinding) cannot redirect the socket.
 */
export async function decide(target: Target, rules: EgressRules): Promise<Decision> {
  const host = normalizeTargetHost(target.host);
  if (host === null) return { ok: false, host: target.host.slice(0, 300), reason: 'the host is not a valid host name or address' };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    return { ok: false, host, reason: `port ${target.port} is not valid` };
  }
  const domainReason = domainBlockReason(host, rules.policy);
  if (domainReason) return { ok: false, host, reason: domainReason };

  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await rules.resolve(host);
    } catch (e) {
      return { ok: false, host, reason: `the host did not resolve (${e instanceof Error ? e.message : String(e)})`.slice(0, 300) };
    }
  }
  if (addresses.length === 0) return { ok: false, host, reason: 'the host did not resolve to any address' };
  // Every answer must pass: a name that resolves to one public and one private address is refused.
  for (const address of addresses) {
    const denied = addressDenyReason(address);
    if (denied && !rules.allow.allows(address)) {
      return { ok: false, host, address, reason: `${address} is a ${denied} address; private networks are not reachable` };
    }
  }
  const [address = ''] = addresses;
  return { ok: true, host, address, port: target.port };
}
