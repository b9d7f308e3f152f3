import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses an outbound request on behalf of a remote party (a URL it named) may reach:
 * only globally routable unicast ones. Everything else is an SSRF target: the machine itself,
 * the internal network, the cloud metadata service (169.254.169.254), the carrier's NAT, or an
 * address no one should be talking to. Ranges from the IANA special-purpose address registries
 * (RFC 6890 and its updates).
 */

interface Range4 {
  readonly base: number;
  readonly bits: number;
  readonly label: string;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

const range4 = (cidr: string, label: string): Range4 => {
  const [base, bits] = cidr.split('/');
  return { base: ipv4ToInt(base), bits: Number(bits), label };
};

const BLOCKED_IPV4: readonly Range4[] = [
  range4('0.0.0.0/8', 'this-network'),
  range4('10.0.0.0/8', 'private'),
  range4('100.64.0.0/10', 'shared (CGNAT)'),
  range4('127.0.0.0/8', 'loopback'),
  range4('169.254.0.0/16', 'link-local'),
  range4('172.16.0.0/12', 'private'),
  range4('192.0.0.0/24', 'IETF protocol assignments'),
  range4('192.0.2.0/24', 'documentation'),
  range4('192.88.99.0/24', '6to4 relay'),
  range4('192.168.0.0/16', 'private'),
  range4('198.18.0.0/15', 'benchmarking'),
  range4('198.51.100.0/24', 'documentation'),
  range4('203.0.113.0/24', 'documentation'),
  range4('224.0.0.0/4', 'multicast'),
  range4('240.0.0.0/4', 'reserved'),
];

function ipv4Problem(address: string): string | undefined {
  const value = ipv4ToInt(address);
  for (const { base, bits, label } of BLOCKED_IPV4) {
    const size = 2 ** (32 - bits);
    if (value - (value % size) === base) return label;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tail and `::` expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToInt(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const embeddedIpv4 = (groups: number[]) =>
  [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');

function ipv6Problem(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address inside.
  if (zeros(0, 5) && g[5] === 0xffff) {
    const problem = ipv4Problem(embeddedIpv4(g));
    return problem && `IPv4-mapped ${problem}`;
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) {
    const problem = ipv4Problem(embeddedIpv4(g));
    return problem && `NAT64 ${problem}`;
  }
  if (zeros(0, 6)) return 'IPv4-compatible (deprecated)';
  const first = g[0];
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'site-local';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is global unicast; inside it, the special-purpose blocks.
  if ((first & 0xe000) !== 0x2000) return 'reserved';
  if (first === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (first === 0x2001 && g[1] < 0x0200) return 'IETF protocol assignments';
  if (first === 0x2002) return '6to4';
  if (first === 0x3fff && g[1] < 0x1000) return 'documentation';
  return undefined;
}

/**
 * Why `address` (an IPv4 or IPv6 literal, brackets allowed) must not be connected to on a remote
 * party's behalf, e.g. `loopback`, `private`, `link-local`; undefined for a public unicast address.
 * Anything that is not an IP literal is refused too.
 */
export function nonPublicAddressReason(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return ipv4Problem(bare);
  if (isIPv6(bare)) return ipv6Problem(bare);
  return 'not an IP address';
}

/**
 * RFC 6761 §6.3: `localhost` and every name under it (`agent.localhost`, a final dot or not) is
 * the loopback address, never a question for DNS.
 */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
