import { bitsMatch, formatIPv4, parseIPv4, parseIPv6, v4In } from './ip-literal.ts';
import { IPV4_SPECIAL, IPV6_SPECIAL, SPECIAL_NAMES, type SpecialRange } from './special-purpose.ts';

/**
 * The one definition of "private" (ADR 0024): the edge checks targets with it when they are saved, the fleet
 * checks every request with it after DNS. Pure TypeScript on WHATWG URL parsing, so workerd and Node agree.
 */

/** What an address is: the most specific registry row it falls in, and whether a page may reach it. */
export interface AddressClass {
  refused: boolean;
  /** The registry's name for the range ("Loopback", "Documentation (TEST-NET-1)"), or "Global unicast". */
  name: string;
  /** The range and its RFC, for messages: "127.0.0.0/8, RFC1122". */
  source?: string;
  /** The IPv4 address an IPv6 form carries (mapped, compatible, NAT64, 6to4, Teredo client, ISATAP), and its class. */
  embeds?: string;
  embedsName?: string;
}

const PUBLIC: AddressClass = { refused: false, name: 'Global unicast' };
const NOT_AN_ADDRESS: AddressClass = { refused: true, name: 'not an IP address' };

interface Compiled extends SpecialRange { bytes: Uint8Array }
const v4Compiled: Array<SpecialRange & { base: number }> = IPV4_SPECIAL.map((r) => ({ ...r, base: parseIPv4(r.prefix) ?? 0 }));
const v6Compiled: Compiled[] = IPV6_SPECIAL.map((r) => ({ ...r, bytes: parseIPv6(r.prefix) ?? new Uint8Array(16) }));

/** The most specific row that contains the address (the registry nests ranges: 192.0.0.9/32 inside 192.0.0.0/24). */
function mostSpecific<R extends SpecialRange>(rows: R[], hit: (r: R) => boolean): R | undefined {
  return rows.filter(hit).toSorted((a, b) => b.bits - a.bits)[0];
}

const classOf = (r: SpecialRange, extra: Partial<AddressClass> = {}): AddressClass => ({
  refused: r.globallyReachable !== true || r.nearestServer === true, name: r.name, source: `${r.prefix}/${r.bits}, ${r.rfc}`, ...extra,
});

export function classifyIPv4(n: number): AddressClass {
  const r = mostSpecific(v4Compiled, (row) => Math.floor(n / 2 ** (32 - row.bits)) === Math.floor(row.base / 2 ** (32 - row.bits)));
  return r ? classOf(r) : PUBLIC;
}

/** The forms that carry an IPv4 address, and where. Teredo's client address is stored inverted (RFC 4380). */
function embeddedV4(b: Uint8Array, row: SpecialRange | undefined): number | null {
  switch (row?.prefix) {
    case '::ffff:0:0': case '::': case '64:ff9b::': return v4In(b, 12);
    case '2002::': return v4In(b, 2);
    case '2001::': return row.bits === 32 ? (~v4In(b, 12)) >>> 0 : null;
  }
  // ISATAP (RFC 5214): interface id 0000:5efe or 0200:5efe followed by the IPv4 address, under any prefix.
  if ((b[8] === 0 || b[8] === 2) && b[9] === 0 && b[10] === 0x5e && b[11] === 0xfe) return v4In(b, 12);
  return null;
}

export function classifyIPv6(b: Uint8Array): AddressClass {
  const r = mostSpecific(v6Compiled, (row) => bitsMatch(b, row.bytes, row.bits));
  const v4 = embeddedV4(b, r);
  const inner = v4 === null ? null : classifyIPv4(v4);
  const embeds = v4 === null || !inner ? {} : { embeds: formatIPv4(v4), embedsName: inner.name };
  if (!r) {
    // Outside 2000::/3 nothing is allocated for global unicast (IANA IPv6 Address Space registry).
    if ((b[0]! & 0xe0) !== 0x20) return { refused: true, name: 'Unallocated (outside 2000::/3)', source: 'RFC4291' };
    return inner?.refused ? { refused: true, name: 'ISATAP interface', source: 'RFC5214', ...embeds } : PUBLIC;
  }
  const own = classOf(r, embeds);
  // NAT64 and 6to4 reach public IPv4 sites; they are refused exactly when the address they carry is.
  if (r.prefix === '64:ff9b::' || r.prefix === '2002::') {
    return { ...own, refused: inner?.refused ?? true };
  }
  return own;
}

/** Classifies an IP literal (brackets allowed). Anything that is not exactly one is refused, so a parser gap fails closed. */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(bare);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = parseIPv6(bare);
  return v6 ? classifyIPv6(v6) : NOT_AN_ADDRESS;
}

/** "is Loopback (127.0.0.0/8, RFC1122)" style text for an address, or null when it is public. */
export function addressRefusal(ip: string): string | null {
  const c = classifyAddress(ip);
  if (!c.refused) return null;
  return `${c.name}${c.source ? ` (${c.source})` : ''}${c.embeds ? ` carrying ${c.embeds} (${c.embedsName ?? ''})` : ''}`;
}

/**
 * WHATWG host parsing, as Chromium and workerd do it: 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 all become
 * 127.0.0.1, names are lower-cased, and the trailing dot of a fully qualified name is dropped, so `LOCALHOST.`
 * and `localhost` are one host. IPv6 comes back without brackets. Unparseable: null.
 */
export function canonicalHost(host: string): string | null {
  const h = host.trim();
  if (!h || /[/?#@\s\\]/.test(h)) return null;
  const bracketed = parseIPv6(h) ? `[${h}]` : h;
  try {
    return new URL(`http://${bracketed}/`).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '') || null;
  } catch {
    return null;
  }
}

export const isIpLiteral = (host: string): boolean => parseIPv4(host) !== null || parseIPv6(host.replace(/^\[(.*)\]$/, '$1')) !== null;

/** Why a name (not a literal) can only mean this machine or a local network, per the special-use names registry. */
export function nameRefusal(canonical: string): string | null {
  const hit = SPECIAL_NAMES.find((n) => canonical === n.suffix || canonical.endsWith(`.${n.suffix}`));
  return hit ? `a ${hit.name} (.${hit.suffix}, ${hit.rfc})` : null;
}

export function portRefusal(port: number): string | null {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? null : `port ${port} is not a port a site listens on (1-65535)`;
}

/**
 * Everything that can be said about a target without DNS: a bad host, a special-use name, a refused address
 * literal, a bad port. Null means "ask DNS" (names) or "public" (literals). `host` as written in a URL or CONNECT line.
 */
export function targetRefusal(host: string, port: number): string | null {
  const h = canonicalHost(host);
  if (h === null) return `${host.slice(0, 100)} is not a valid host name or address`;
  const portIssue = portRefusal(port);
  if (portIssue) return portIssue;
  if (isIpLiteral(h)) {
    const why = addressRefusal(h);
    return why ? `${h} is not a public address: ${why}` : null;
  }
  const named = nameRefusal(h);
  return named ? `${h} is ${named}, not a public host` : null;
}

/** targetRefusal for a URL: http(s) only, default ports filled in. */
export function urlRefusal(url: string | URL): string | null {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${u.protocol} URLs are not fetched (http and https only)`;
  return targetRefusal(u.hostname, u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port));
}
