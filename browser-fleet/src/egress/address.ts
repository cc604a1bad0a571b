import { isIPv4, isIPv6 } from 'node:net';

/**
 * Classifies an IP address (already a literal: URL parsing has turned decimal, octal, hex and short
 * IPv4 spellings into dotted quads) as public or as a denied range with a reason. Anything that is
 * not a well-formed v4 or v6 literal is denied, so a parser gap fails closed.
 */

type V4Range = [base: string, bits: number, reason: string];

// Order matters only for the reason text: 255.255.255.255 says "broadcast", not "reserved".
const V4_DENIED: V4Range[] = [
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT (shared address space)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

export function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inV4(n: number, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(n / size) === Math.floor(v4ToInt(base) / size);
}

/** The reason an IPv4 address is denied, or null when it is public. */
export function v4DenyReason(ip: string): string | null {
  if (!isIPv4(ip)) return 'not an IPv4 address';
  const n = v4ToInt(ip);
  return V4_DENIED.find(([base, bits]) => inV4(n, base, bits))?.[2] ?? null;
}

const hexGroups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));

/** The 16 bytes of an IPv6 literal (zone ids are refused: they only make sense on-link). */
export function v6Bytes(ip: string): Uint8Array | null {
  if (ip.includes('%') || !isIPv6(ip)) return null;
  let text = ip.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4) is the last two groups written in decimal.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const n = v4ToInt(v4);
    text = `${text.slice(0, -v4.length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = hexGroups(head);
  const right = rest === undefined ? [] : hexGroups(rest);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (rest === undefined && fill !== 0)) return null;
  const groups = [...left, ...Array<number>(fill).fill(0), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

const v4At = (b: Uint8Array, at: number): string => Array.from(b.subarray(at, at + 4)).join('.');
const zeros = (b: Uint8Array, from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);

/** The reason an IPv6 address is denied, or null when it is public. */
export function v6DenyReason(ip: string): string | null {
  const b = v6Bytes(ip);
  if (!b) return 'not an IPv6 address';
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = b;
  if (zeros(b, 0, 15) && b[15] === 0) return 'unspecified';
  if (zeros(b, 0, 15) && b[15] === 1) return 'loopback';
  if (zeros(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) {
    // Mapped addresses are how a v6 socket reaches v4 hosts; a public site never needs one.
    return `IPv4-mapped (embeds ${v4At(b, 12)}, ${v4DenyReason(v4At(b, 12)) ?? 'public'})`;
  }
  if (zeros(b, 0, 12)) return `IPv4-compatible (embeds ${v4At(b, 12)})`;
  if (b0 === 0x00 && b1 === 0x64 && b2 === 0xff && b3 === 0x9b && zeros(b, 4, 12)) {
    // NAT64 is how v6-only networks reach public v4 sites: allowed unless the embedded v4 is denied.
    const inner = v4DenyReason(v4At(b, 12));
    return inner ? `NAT64 embedding ${v4At(b, 12)} (${inner})` : null;
  }
  if ((b0 & 0xfe) === 0xfc) return 'unique-local';
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return 'link-local';
  if (b0 === 0xfe && (b1 & 0xc0) === 0xc0) return 'site-local (deprecated)';
  if (b0 === 0xff) return 'multicast';
  // Outside 2000::/3 nothing is globally routed (discard-only 100::/64, local NAT64 64:ff9b:1::/48, reserved).
  if ((b0 & 0xe0) !== 0x20) return 'not global unicast';
  if (b0 === 0x20 && b1 === 0x01 && b2 === 0 && b3 === 0) return 'Teredo';
  if (b0 === 0x20 && b1 === 0x01 && b2 === 0x0d && b3 === 0xb8) return 'documentation';
  if (b0 === 0x20 && b1 === 0x01 && b2 < 0x02) return 'IETF protocol assignments';
  if (b0 === 0x3f && b1 === 0xff && (b2 & 0xf0) === 0) return 'documentation';
  if (b0 === 0x20 && b1 === 0x02) {
    const inner = v4DenyReason(v4At(b, 2));
    return inner ? `6to4 embedding ${v4At(b, 2)} (${inner})` : null;
  }
  return null;
}

/** The reason an address literal is denied, or null when it is public. Not a literal: denied. */
export function addressDenyReason(ip: string): string | null {
  const bare = ip.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare)) return v4DenyReason(bare);
  if (isIPv6(bare)) return v6DenyReason(bare);
  return 'not an IP address';
}
