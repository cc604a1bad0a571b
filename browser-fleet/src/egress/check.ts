import { addressRefusal, canonicalHost, domainBlockReason, isIpLiteral, nameRefusal, portRefusal, type EgressPolicy } from '@trawl/schemas';
import type { Allowance } from './allowance.ts';

/** Name → every address it resolves to (resolver.ts asks the system; tests inject their own, never a real DNS server). */
export type Resolver = (host: string) => Promise<string[]>;

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

/** WHATWG host parsing, as Chromium does it (the shared classifier's); unparseable hosts are null. */
export const normalizeTargetHost = canonicalHost;

/**
 * The whole check for one request, in order: host spelling, port, domain policy, special-use names, resolution
 * (ours, once), every resolved address public or explicitly allowed. The order up to resolution is what the edge
 * checks on save (the shared classifier in @trawl/schemas). The caller connects to `address` and nothing else,
 * so a DNS answer that changes between check and connect (rebinding) cannot redirect the socket.
 */
export async function decide(target: Target, rules: EgressRules): Promise<Decision> {
  const host = canonicalHost(target.host);
  if (host === null) return { ok: false, host: target.host.slice(0, 300), reason: 'the host is not a valid host name or address' };
  const badPort = portRefusal(target.port);
  if (badPort) return { ok: false, host, reason: badPort };
  const domainReason = domainBlockReason(host, rules.policy);
  if (domainReason) return { ok: false, host, reason: domainReason };

  let addresses: string[];
  if (isIpLiteral(host)) addresses = [host];
  else {
    const named = nameRefusal(host);
    // An allowance for the name itself (localhost:5173 in development) lets it resolve; nothing else does.
    if (named && !rules.allow.allows(host, '', target.port)) return { ok: false, host, reason: `${host} is ${named}, not a public host` };
    try {
      addresses = await rules.resolve(host);
    } catch (e) {
      return { ok: false, host, reason: `the host did not resolve (${e instanceof Error ? e.message : String(e)})`.slice(0, 300) };
    }
  }
  if (addresses.length === 0) return { ok: false, host, reason: 'the host did not resolve to any address' };
  // Every answer must pass: a name that resolves to one public and one private address is refused.
  for (const address of addresses) {
    const refused = addressRefusal(address);
    if (refused && !rules.allow.allows(host, address, target.port)) {
      return { ok: false, host, address, reason: `${address} is not a public address: ${refused}; private networks are not reachable` };
    }
  }
  const [address = ''] = addresses;
  return { ok: true, host, address, port: target.port };
}
