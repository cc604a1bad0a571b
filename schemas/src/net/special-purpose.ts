/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries, every row as data (name, RFC, and the registry's
 * "Globally Reachable" column), plus the few ranges other IANA registries define that a public site never uses
 * (multicast, IPv4-compatible, site-local). A row whose globallyReachable is false, or null where the registry
 * says N/A, is refused; the most specific row that matches names the address.
 * Sources: https://www.iana.org/assignments/iana-ipv4-special-registry/ and .../iana-ipv6-special-registry/
 * (both as updated 2025-01), .../multicast-addresses/, .../ipv6-address-space/.
 */
export interface SpecialRange {
  prefix: string;
  bits: number;
  name: string;
  rfc: string;
  /** The registry's "Globally Reachable": true, false, or null for N/A (then refused: it is no plain unicast host). */
  globallyReachable: boolean | null;
  /**
   * Our one deviation: anycast service addresses (PCP, TURN, DNS-SD SRP, 6a44) are globally reachable but answered
   * by the nearest server, often the network's own gateway, and no website lives there: refused too.
   */
  nearestServer?: true;
}

const row = (cidr: string, name: string, rfc: string, globallyReachable: boolean | null, anycast?: 'anycast'): SpecialRange => {
  const [prefix = '', bits = ''] = cidr.split('/');
  return { prefix, bits: Number(bits), name, rfc, globallyReachable, ...(anycast ? { nearestServer: true as const } : {}) };
};

export const IPV4_SPECIAL: readonly SpecialRange[] = [
  row('0.0.0.0/8', '"This network"', 'RFC791', false),
  row('0.0.0.0/32', '"This host on this network"', 'RFC1122', false),
  row('10.0.0.0/8', 'Private-Use', 'RFC1918', false),
  row('100.64.0.0/10', 'Shared Address Space (CGNAT)', 'RFC6598', false),
  row('127.0.0.0/8', 'Loopback', 'RFC1122', false),
  row('169.254.0.0/16', 'Link Local (cloud metadata lives here)', 'RFC3927', false),
  row('172.16.0.0/12', 'Private-Use', 'RFC1918', false),
  row('192.0.0.0/24', 'IETF Protocol Assignments', 'RFC6890', false),
  row('192.0.0.0/29', 'IPv4 Service Continuity Prefix', 'RFC7335', false),
  row('192.0.0.8/32', 'IPv4 dummy address', 'RFC7600', false),
  row('192.0.0.9/32', 'Port Control Protocol Anycast', 'RFC7723', true, 'anycast'),
  row('192.0.0.10/32', 'Traversal Using Relays around NAT Anycast', 'RFC8155', true, 'anycast'),
  row('192.0.0.170/32', 'NAT64/DNS64 Discovery', 'RFC8880', false),
  row('192.0.0.171/32', 'NAT64/DNS64 Discovery', 'RFC8880', false),
  row('192.0.2.0/24', 'Documentation (TEST-NET-1)', 'RFC5737', false),
  row('192.31.196.0/24', 'AS112-v4', 'RFC7535', true),
  row('192.52.193.0/24', 'AMT', 'RFC7450', true),
  row('192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', 'RFC7526', null),
  row('192.88.99.2/32', '6a44-relay anycast address', 'RFC6751', true, 'anycast'),
  row('192.168.0.0/16', 'Private-Use', 'RFC1918', false),
  row('192.175.48.0/24', 'Direct Delegation AS112 Service', 'RFC7534', true),
  row('198.18.0.0/15', 'Benchmarking', 'RFC2544', false),
  row('198.51.100.0/24', 'Documentation (TEST-NET-2)', 'RFC5737', false),
  row('203.0.113.0/24', 'Documentation (TEST-NET-3)', 'RFC5737', false),
  row('240.0.0.0/4', 'Reserved', 'RFC1112', false),
  row('255.255.255.255/32', 'Limited Broadcast', 'RFC8190', false),
  // Not in the special-purpose registry: the IPv4 Multicast Address Space registry.
  row('224.0.0.0/4', 'Multicast', 'RFC5771', false),
];

export const IPV6_SPECIAL: readonly SpecialRange[] = [
  row('::1/128', 'Loopback Address', 'RFC4291', false),
  row('::/128', 'Unspecified Address', 'RFC4291', false),
  row('::ffff:0:0/96', 'IPv4-mapped Address', 'RFC4291', false),
  row('64:ff9b::/96', 'IPv4-IPv6 Translat. (NAT64)', 'RFC6052', true),
  row('64:ff9b:1::/48', 'IPv4-IPv6 Translat. (local-use NAT64)', 'RFC8215', false),
  row('100::/64', 'Discard-Only Address Block', 'RFC6666', false),
  row('100:0:0:1::/64', 'Dummy IPv6 Prefix', 'RFC9780', false),
  row('2001::/23', 'IETF Protocol Assignments', 'RFC2928', false),
  row('2001::/32', 'TEREDO', 'RFC4380', null),
  row('2001:1::1/128', 'Port Control Protocol Anycast', 'RFC7723', true, 'anycast'),
  row('2001:1::2/128', 'Traversal Using Relays around NAT Anycast', 'RFC8155', true, 'anycast'),
  row('2001:1::3/128', 'DNS-SD Service Registration Protocol Anycast', 'RFC9665', true, 'anycast'),
  row('2001:2::/48', 'Benchmarking', 'RFC5180', false),
  row('2001:3::/32', 'AMT', 'RFC7450', true),
  row('2001:4:112::/48', 'AS112-v6', 'RFC7535', true),
  row('2001:10::/28', 'Deprecated (previously ORCHID)', 'RFC4843', null),
  row('2001:20::/28', 'ORCHIDv2', 'RFC7343', true),
  row('2001:30::/28', 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', 'RFC9374', true),
  row('2001:db8::/32', 'Documentation', 'RFC3849', false),
  row('2002::/16', '6to4', 'RFC3056', null),
  row('2620:4f:8000::/48', 'Direct Delegation AS112 Service', 'RFC7534', true),
  row('3fff::/20', 'Documentation', 'RFC9637', false),
  row('5f00::/16', 'Segment Routing (SRv6) SIDs', 'RFC9602', false),
  row('fc00::/7', 'Unique-Local', 'RFC4193', false),
  row('fe80::/10', 'Link-Local Unicast', 'RFC4291', false),
  // From the IPv6 Address Space registry and RFC 4291 rather than the special-purpose one.
  row('::/96', 'IPv4-compatible Address (deprecated)', 'RFC4291', false),
  row('fec0::/10', 'Site-Local (deprecated)', 'RFC3879', false),
  row('ff00::/8', 'Multicast', 'RFC4291', false),
];

/**
 * The Special-Use Domain Names registry entries (and ICANN's .internal) that name no public host: each either
 * resolves to this machine or the local network, or never resolves on the public DNS at all. `.test`, `.example`
 * and `.invalid` are left to DNS (they do not resolve publicly, so the fleet refuses them there; tests map them).
 */
export const SPECIAL_NAMES: ReadonlyArray<{ suffix: string; name: string; rfc: string }> = [
  { suffix: 'localhost', name: 'loopback name', rfc: 'RFC6761' },
  { suffix: 'local', name: 'multicast DNS (link-local) name', rfc: 'RFC6762' },
  { suffix: 'home.arpa', name: 'home network name', rfc: 'RFC8375' },
  { suffix: 'internal', name: 'private-use name', rfc: 'ICANN 2024' },
  { suffix: 'onion', name: 'Tor onion name', rfc: 'RFC7686' },
  { suffix: 'alt', name: 'non-DNS name', rfc: 'RFC9476' },
  { suffix: 'ipv4only.arpa', name: 'NAT64 discovery name', rfc: 'RFC8880' },
  { suffix: 'in-addr.arpa', name: 'reverse-lookup name', rfc: 'RFC1035' },
  { suffix: 'ip6.arpa', name: 'reverse-lookup name', rfc: 'RFC3596' },
];
