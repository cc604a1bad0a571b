import { canonicalHost, portRefusal } from '@trawl/schemas';

/**
 * The node's explicit exceptions to the private-network rule (FLEET_EGRESS_ALLOW): host:port pairs pages may
 * reach although the host is private, such as the demo and fixture sites of the local stack. Production sets
 * none. Each entry names one port: there are no ranges or CIDRs, so an allowance for a test site can never open
 * the node's control port, the edge or Chromium's debugging port, which are also refused outright (`reserve`).
 */
export interface Allowance {
  /** The entries as configured, for logs. */
  readonly entries: readonly string[];
  /** Whether a refused target may be reached anyway: matched by its host as written or by the address it resolved to. */
  allows(host: string, address: string, port: number): boolean;
  /** Ports never opened on a private address whatever the entries say: the node's own, the edge's, Chromium's (a live list). */
  reserve(ports: number | (() => readonly number[])): void;
}

interface Entry { host: string; port: number }

class PortAllowance implements Allowance {
  readonly #reserved: Array<() => readonly number[]> = [];
  constructor(readonly entries: readonly string[], private readonly list: readonly Entry[]) {}

  allows(host: string, address: string, port: number): boolean {
    if (this.#reserved.some((ports) => ports().includes(port))) return false;
    const h = canonicalHost(host);
    const a = canonicalHost(address);
    return this.list.some((e) => e.port === port && (e.host === h || e.host === a));
  }

  reserve(ports: number | (() => readonly number[])): void {
    this.#reserved.push(typeof ports === 'number' ? () => [ports] : ports);
  }
}

export const NO_ALLOWANCE: Allowance = { entries: [], allows: () => false, reserve: () => undefined };

const ENTRY_RE = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/\s]+):(\d{1,5})$/;

/** Parses "127.0.0.1:3000, localhost:5173, [::1]:8080"; throws on the first bad entry. */
export function parseAllowance(text: string | undefined): Allowance {
  const entries = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) return NO_ALLOWANCE;
  const list = entries.map((entry): Entry => {
    const m = ENTRY_RE.exec(entry);
    const host = m?.[1] ? canonicalHost(m[1].replace(/^\[(.*)\]$/, '$1')) : null;
    const port = Number(m?.[2]);
    if (!m || host === null || portRefusal(port) !== null) {
      throw new Error(`"${entry}" is not host:port (like 127.0.0.1:3000, [::1]:3000 or localhost:5173; no CIDR ranges)`);
    }
    // Canonical form: an IPv4-mapped spelling (::ffff:7f00:1) stays distinct from the IPv4 address it carries.
    return { host, port };
  });
  return new PortAllowance(entries, list);
}
