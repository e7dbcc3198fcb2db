// Addresses a webhook must never reach (building/by-layer/L1/security.mdx "Webhook URL validation
// (SSRF)", widened with the other special-purpose ranges that no buyer endpoint legitimately lives
// in). An IPv6 address that carries an IPv4 address inside it (NAT64, 6to4, Teredo) is also judged
// by that IPv4 address.
import ipaddr from 'ipaddr.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const DENIED_IPV4_CIDRS: readonly string[] = [
  '0.0.0.0/8', // "this network", incl. 0.0.0.0
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT (also Alibaba metadata 100.100.100.200)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, incl. 169.254.169.254 cloud metadata
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, incl. 255.255.255.255 broadcast
  '168.63.129.16/32', // Azure WireServer: a cloud-internal endpoint outside the private ranges
];

const DENIED_IPV6_CIDRS: readonly string[] = [
  '::/96', // unspecified, loopback and the deprecated IPv4-compatible form
  '::ffff:0:0/96', // IPv4-mapped
  '::ffff:0:0:0/96', // IPv4-translated (SIIT)
  '64:ff9b:1::/48', // local-use NAT64
  '100::/64', // discard-only
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation (RFC 9637)
  'fc00::/7', // unique local, incl. fd00:ec2::254 (AWS metadata)
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local
  'ff00::/8', // multicast
];

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');
const TEREDO = ipaddr.parseCIDR('2001::/32');

const deniedIpv4 = DENIED_IPV4_CIDRS.map((cidr) => ipaddr.parseCIDR(cidr));
const deniedIpv6 = DENIED_IPV6_CIDRS.map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * True when `address` (an IP literal as text) must not be contacted. Anything that does not parse
 * as an IP address is denied too: the guard fails closed.
 */
export function isDeniedAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return true;
  }
  return parsed.kind() === 'ipv4' ? matchesAny(parsed, deniedIpv4) : isDeniedIpv6(parsed as ipaddr.IPv6);
}

function isDeniedIpv6(address: ipaddr.IPv6): boolean {
  if (matchesAny(address, deniedIpv6)) {
    return true;
  }
  return embeddedIpv4(address).some((inner) => matchesAny(inner, deniedIpv4));
}

/** The IPv4 addresses a translation/tunnel prefix carries inside an IPv6 address. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const bytes = address.toByteArray();
  if (address.match(NAT64_WELL_KNOWN)) {
    return [ipv4From(bytes.slice(12, 16))];
  }
  if (address.match(SIX_TO_FOUR)) {
    return [ipv4From(bytes.slice(2, 6))];
  }
  if (address.match(TEREDO)) {
    const server = ipv4From(bytes.slice(4, 8));
    const client = ipv4From(bytes.slice(12, 16).map((byte) => byte ^ 0xff));
    return [server, client];
  }
  return [];
}

function ipv4From(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

function matchesAny(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly Cidr[]): boolean {
  const kind = address.kind();
  return ranges.some((range) => range[0].kind() === kind && address.match(range));
}
