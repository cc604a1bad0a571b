/**
 * IP literals as numbers and bytes, in plain TypeScript (no node:net) so the edge in workerd and the fleet in
 * Node parse them the same way. Only canonical spellings are accepted here: WHATWG URL parsing (canonicalHost)
 * has already turned decimal, octal, hex and short IPv4 forms into dotted quads before anything is classified.
 */

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A dotted quad as an unsigned 32-bit number, or null when the text is not exactly one. */
export function parseIPv4(text: string): number | null {
  if (!DOTTED_QUAD.test(text)) return null;
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export const formatIPv4 = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

const hexGroup = /^[0-9a-f]{1,4}$/;
const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);

/** The 16 bytes of an IPv6 literal (no brackets), or null. Zone ids (fe80::1%eth0) are refused: on-link only. */
export function parseIPv6(text: string): Uint8Array | null {
  let t = text.toLowerCase();
  if (!t.includes(':') || t.includes('%')) return null;
  // A trailing dotted quad (::ffff:1.2.3.4) is the last two groups written in decimal.
  const quad = /:(\d+\.\d+\.\d+\.\d+)$/.exec(t)?.[1];
  if (quad !== undefined) {
    const n = parseIPv4(quad);
    if (n === null) return null;
    t = `${t.slice(0, -quad.length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  if (![...left, ...right].every((g) => hexGroup.test(g))) return null;
  const fill = 8 - left.length - right.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const all = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** Four bytes of an IPv6 address, from `at`, as an IPv4 number (for the forms that embed one). */
export const v4In = (b: Uint8Array, at: number): number => ((b[at] ?? 0) * 2 ** 24) + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0);

/** Whether the first `bits` bits of `b` equal those of `prefix`. */
export function bitsMatch(b: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((b[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}
