import { Resolver } from 'node:dns/promises';

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
  /** How long c-ares waits for the first try's answer (later tries wait longer). */
  readonly timeoutMs: number;
  /** Tries per server before c-ares gives up. */
  readonly tries: number;
}

/**
 * DNS queries with c-ares (`dns.Resolver`), A and AAAA, never the operating system's
 * getaddrinfo (`dns.lookup`). getaddrinfo blocks one thread of libuv's pool (4 threads by
 * default) per lookup, for as long as the system resolver waits, and a time limit around it
 * abandons the lookup without freeing the thread: a few host names whose DNS never answers fill
 * the pool, and with it everything else queued there (the database driver's lookups of a host
 * name URI, the SIWE RPC hosts, file and crypto work). c-ares sends its queries on its own
 * sockets from the event loop, so a query that is never answered holds a socket and a timer,
 * and gives up by itself after `tries` bounded waits.
 *
 * Consequences worth knowing: /etc/hosts and the resolver's search domains are not consulted
 * (a document URL names a host on the public DNS), and IPv4 addresses come before IPv6 ones.
 */
export class DnsHostResolver extends HostResolver {
  private readonly resolver: Resolver;

  constructor({ servers, timeoutMs, tries }: DnsHostResolverOptions) {
    super();
    this.resolver = new Resolver({ timeout: timeoutMs, tries });
    if (servers?.length) this.resolver.setServers([...servers]);
  }

  async resolve(hostname: string): Promise<ResolvedAddress[]> {
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
