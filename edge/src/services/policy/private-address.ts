/**
 * A quick save-time check of literal hosts (the fleet's egress proxy is the authority: it checks every request
 * after DNS). URL parsing has already normalised decimal, octal, hex and short IPv4 forms to dotted quads.
 */
const V4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'], ['10.0.0.0', 8, 'private'], ['100.64.0.0', 10, 'CGNAT'], ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], ['172.16.0.0', 12, 'private'], ['192.168.0.0', 16, 'private'], ['192.0.0.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'benchmark'], ['224.0.0.0', 4, 'multicast'], ['240.0.0.0', 4, 'reserved'],
];

const v4ToInt = (ip: string) => ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;

function v4Reason(ip: string): string | null {
  const n = v4ToInt(ip);
  for (const [base, bits, reason] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((n & mask) === (v4ToInt(base) & mask)) return reason;
  }
  return null;
}

export function privateAddressReason(host: string): string | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return v4Reason(host);
  if (host.includes(':')) {
    const h = host.toLowerCase();
    if (h === '::1' || h === '::') return 'loopback';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return v4Reason(mapped[1]!) ?? 'IPv4-mapped';
    if (h.startsWith('::ffff:')) return 'IPv4-mapped';
    if (/^f[cd]/.test(h)) return 'unique-local';
    if (/^fe[89ab]/.test(h)) return 'link-local';
    if (h.startsWith('ff')) return 'multicast';
  }
  return null;
}
