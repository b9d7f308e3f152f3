import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isLocalhostName } from './address-class';

export interface ResolvedAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/** Resolves a host name to every address it has: a port, so tests answer without a network. */
export abstract class HostResolver {
  abstract resolve(hostname: string): Promise<ResolvedAddress[]>;
}

/** Why a name did not resolve: the DNS error code (`ENOTFOUND`, `ETIMEOUT`, ...), never more. */
export class HostResolutionError extends Error {
  constructor(readonly code: string) {
    super(`the host name does not resolve (${code})`);
    this.name = 'HostResolutionError';
  }
}

export interface DnsHostResolverOptions {
  /** `dns.Resolver#setServers` entries (`192.0.2.53`, `[2001:db8::53]:5353`); none: the system's. */
  readonly servers?: readonly string[];
  /** The names answered before DNS (default: the system's hosts file, SYSTEM_HOSTS_FILE). */
  readonly hostsFile?: HostsFile;
  /** How long c-ares waits for the first try's answer (later tries wait longer). */
  readonly timeoutMs: number;
  /** Tries per server before c-ares gives up. */
  readonly tries: number;
}

/**
 * What the operating system's resolver answers, without its getaddrinfo (`dns.lookup`): the
 * hosts file first (HostsFile), then `localhost` names as loopback, then DNS queries with c-ares
 * (`dns.Resolver`), A and AAAA. getaddrinfo blocks one thread of libuv's pool (4 threads by
 * default) per lookup, for as long as the system resolver waits, and a time limit around it
 * abandons the lookup without freeing the thread: a few host names whose DNS never answers fill
 * the pool, and with it everything else queued there (the database driver's lookups of a host
 * name URI, the SIWE RPC hosts, file and crypto work). c-ares sends its queries on its own
 * sockets from the event loop, so a query that is never answered holds a socket and a timer,
 * and gives up by itself after `tries` bounded waits.
 *
 * Whatever answers, the caller (GuardedFetcher) checks every address against its address rule
 * and connects to the one it checked: a name in the hosts file is no way around the SSRF guard.
 * Not consulted: the resolver's search domains (a URL names a fully qualified host). IPv4
 * addresses come before IPv6 ones.
 */
export class DnsHostResolver extends HostResolver {
  private readonly resolver: Resolver;
  private readonly hostsFile: HostsFile;

  constructor({ servers, hostsFile, timeoutMs, tries }: DnsHostResolverOptions) {
    super();
    this.resolver = new Resolver({ timeout: timeoutMs, tries });
    if (servers?.length) this.resolver.setServers([...servers]);
    this.hostsFile = hostsFile ?? new HostsFile();
  }

  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const listed = this.hostsFile.addresses(hostname);
    if (listed.length > 0) return [...listed];
    // RFC 6761 §6.3: `localhost` names are the loopback address, never a question for DNS.
    if (isLocalhostName(hostname)) return [...LOOPBACK];
    const [v4, v6] = await Promise.allSettled([
      this.resolver.resolve4(hostname),
      this.resolver.resolve6(hostname),
    ]);
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    // One family answered: that is the name's addresses (the caller checks and connects to
    // those only, so an unanswered family is never reached).
    if (addresses.length > 0) return addresses;
    throw new HostResolutionError(resolutionCode(v4) ?? resolutionCode(v6) ?? 'ENODATA');
  }
}

/** The more telling of the two failures: a timeout or NXDOMAIN says more than "no AAAA". */
function resolutionCode(result: PromiseSettledResult<string[]>): string | undefined {
  if (result.status === 'fulfilled') return undefined;
  const code = (result.reason as NodeJS.ErrnoException).code;
  return code === undefined || code === 'ENODATA' ? undefined : code;
}

/** RFC 6761 §6.3: the loopback addresses every `localhost` name stands for. */
const LOOPBACK: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/** Where the operating system keeps its static table of host names (hosts(5)). */
export const SYSTEM_HOSTS_FILE = '/etc/hosts';

/** How long one read of the hosts file is answered from: an edit is seen within this time. */
const HOSTS_FILE_MAX_AGE_MS = 5_000;

/**
 * The hosts file (hosts(5)): the names the operating system's resolver answers before any DNS
 * query (nsswitch `hosts: files dns`). A developer's or a container's names live there
 * (`localhost`, docker-compose `extra_hosts`, a conformance suite's host name), which no DNS
 * server knows.
 *
 * Read synchronously (a small local file), at most every HOSTS_FILE_MAX_AGE_MS: never on libuv's
 * thread pool, which the resolver keeps clear. Parsed here rather than by a package: the format
 * is one address and its names per line, `#` starting a comment, and the packages that read it
 * are command-line editors of the file.
 */
export class HostsFile {
  private table: ReadonlyMap<string, readonly ResolvedAddress[]> = new Map();
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly path: string = SYSTEM_HOSTS_FILE,
    private readonly now: () => number = Date.now,
  ) {}

  /** The addresses the file gives `hostname` (IPv4 first, as DNS answers are), or none. */
  addresses(hostname: string): readonly ResolvedAddress[] {
    const now = this.now();
    if (now - this.readAt >= HOSTS_FILE_MAX_AGE_MS) {
      this.table = this.read();
      this.readAt = now;
    }
    return this.table.get(hostname.toLowerCase().replace(/\.$/, '')) ?? [];
  }

  private read(): ReadonlyMap<string, readonly ResolvedAddress[]> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      // No hosts file (a minimal image): every name goes to DNS.
      return new Map();
    }
    return parseHostsFile(text);
  }
}

/** hosts(5): `address name [aliases...]` per line; `#` to the end of a line is a comment. */
export function parseHostsFile(text: string): Map<string, ResolvedAddress[]> {
  const table = new Map<string, ResolvedAddress[]>();
  for (const line of text.split(/\r?\n/)) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = address ? isIP(address) : 0;
    if (family === 0) continue;
    for (const name of names) {
      const key = name.toLowerCase().replace(/\.$/, '');
      const known = table.get(key) ?? [];
      if (!known.some((entry) => entry.address === address)) known.push({ address, family });
      table.set(key, known);
    }
  }
  for (const [name, addresses] of table) {
    table.set(name, [
      ...addresses.filter((entry) => entry.family === 4),
      ...addresses.filter((entry) => entry.family === 6),
    ]);
  }
  return table;
}
