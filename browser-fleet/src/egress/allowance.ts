import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { v6Bytes } from './address.ts';

/**
 * The node's explicit exception to the private-network rule (FLEET_EGRESS_ALLOW): addresses or
 * CIDRs that pages may reach although they are private. Production config carries none; local
 * development and the tests allow the loopback address their sites listen on, and nothing else.
 */
export interface Allowance {
  /** The entries as configured, for logs. */
  readonly entries: readonly string[];
  allows(address: string): boolean;
}

export const NO_ALLOWANCE: Allowance = { entries: [], allows: () => false };

/** Parses "127.0.0.1/32, ::1" (bare addresses are /32 or /128); throws on the first bad entry. */
export function parseAllowance(text: string | undefined): Allowance {
  const entries = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) return NO_ALLOWANCE;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bitsText, extra] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const max = family === 'ipv4' ? 32 : 128;
    const bits = bitsText === undefined ? max : Number(bitsText);
    if (!family || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > max || bitsText === '') {
      throw new Error(`"${entry}" is not an IP address or CIDR (like 127.0.0.1/32)`);
    }
    list.addSubnet(address, bits, family);
  }
  return {
    entries,
    allows: (address) => (isIPv4(address) ? list.check(address, 'ipv4') : isIPv6(address) && !isMapped(address) && list.check(address, 'ipv6')),
  };
}

/** BlockList matches ::ffff:a.b.c.d against v4 entries; an allowance for 127.0.0.1 must not open its mapped form. */
function isMapped(address: string): boolean {
  const b = v6Bytes(address);
  return !b || (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff);
}
