import { Injectable } from '@nestjs/common';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { nonPublicAddressReason } from './address-class';
import { HostResolutionError, HostResolver, type ResolvedAddress } from './host-resolver';

/** Why an outbound fetch failed; `message` is safe to log (no response content). */
export class OutboundFetchError extends Error {
  constructor(
    message: string,
    /**
     * The failure is the host's alone, whatever the URL's path: its name does not resolve (or
     * not in time), or it resolves to an address that is refused. A caller may remember it per
     * host. Anything later (connection, TLS, status, body) may depend on the path and is not.
     */
    readonly hostUnusable = false,
    /**
     * The exchange ran out of time (name resolution included): the host held the request for
     * the whole time limit, where any other failure is fast. A caller may back off such a host.
     */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'OutboundFetchError';
  }
}

export interface GuardedFetchOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /**
   * Allow plain http and non-public addresses (loopback, private, link-local, ...): development
   * and tests, and logout deliveries an operator opened to an internal network
   * (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE). Off, only https to public unicast addresses is fetched.
   */
  readonly allowPrivate: boolean;
  readonly accept: string;
  /**
   * PEM certificates trusted besides Node's built-in roots (a private PKI). Only for this
   * fetcher's requests: never process-wide (no NODE_EXTRA_CA_CERTS, no
   * NODE_TLS_REJECT_UNAUTHORIZED), and host name verification stays on.
   */
  readonly extraCaCertificates?: readonly string[];
}

interface OutboundRequest {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The statuses answered; any other is an OutboundFetchError. `any`: every status answered. */
  readonly okStatuses: readonly number[] | 'any';
}

export interface FetchedDocument {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly cacheControl: string | undefined;
}

/** A request of a library that speaks HTTP itself (an OAuth client): its method, headers, body. */
export interface OutboundExchange {
  readonly method: string;
  /** Sent as they are, after `accept` from the options (which they may override). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** Whatever the server answered, any status (a redirect too, never followed). */
export interface FetchedResponse {
  readonly status: number;
  /** Every response header, names lower-cased; repeated ones (Set-Cookie) joined by `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * Requests to a URL a remote party named (SSRF-guarded): the host is resolved here, every address it
 * resolves to must be public, and the connection goes to the first checked address (the request
 * never resolves the name again, so a DNS answer that changes in between, DNS rebinding, is not
 * followed). TLS still verifies the certificate against the host name. Redirects are not
 * followed, the body is cut off past `maxBytes` and the whole exchange past `timeoutMs`.
 */
@Injectable()
export class GuardedFetcher {
  constructor(private readonly resolver: HostResolver) {}

  async get(target: URL, options: GuardedFetchOptions): Promise<FetchedDocument> {
    return this.send(target, options, { method: 'GET', okStatuses: [200] });
  }

  /**
   * POST of an `application/x-www-form-urlencoded` body to a URL a remote party named (a client's
   * back-channel logout URI), under the same guard and limits as `get`. 200 and 204 count as
   * accepted (OpenID Connect Back-Channel Logout 1.0 §2.8 names 200, and notes frameworks that
   * answer 204); anything else is an OutboundFetchError.
   */
  async postForm(
    target: URL,
    form: URLSearchParams,
    options: GuardedFetchOptions,
  ): Promise<FetchedDocument> {
    return this.send(target, options, {
      method: 'POST',
      body: form.toString(),
      okStatuses: [200, 204],
    });
  }

  /**
   * Any request, under the same guard and limits, answering any status with its headers and body:
   * for a library that speaks the protocol itself and reads error answers (an OpenID Connect
   * relying party reads a token endpoint's 400 body). A redirect is answered, not followed.
   */
  async exchange(
    target: URL,
    exchange: OutboundExchange,
    options: GuardedFetchOptions,
  ): Promise<FetchedResponse> {
    const { status, headers, body } = await this.send(target, options, {
      ...exchange,
      okStatuses: 'any',
    });
    return { status, headers, body };
  }

  private async send(
    target: URL,
    options: GuardedFetchOptions,
    request: OutboundRequest,
  ): Promise<FetchedDocument & FetchedResponse> {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    // Node holds a timeout signal, and what its abort listeners reach, until its time runs out
    // or the last listener goes: the listener goes as soon as the exchange has settled, so an
    // exchange leaves nothing behind for the rest of its time limit.
    const settled = new AbortController();
    const late = new Promise<never>((_resolve, reject) => {
      deadline.addEventListener(
        'abort',
        () =>
          reject(new OutboundFetchError(`no answer within ${options.timeoutMs} ms`, true, true)),
        { once: true, signal: settled.signal },
      );
    });
    late.catch(() => undefined);
    try {
      // The time limit covers name resolution too: a slow DNS server must not hold a request.
      // `late` is raced with resolution only, so when it wins the host's DNS did not answer.
      const address = await Promise.race([this.checkedAddress(target, options), late]);
      return await this.connect(target, address, options, deadline, request);
    } finally {
      settled.abort();
    }
  }

  private async checkedAddress(
    target: URL,
    options: GuardedFetchOptions,
  ): Promise<ResolvedAddress> {
    if (target.protocol !== 'https:' && !(options.allowPrivate && target.protocol === 'http:')) {
      throw new OutboundFetchError(`scheme ${target.protocol} is not fetched`);
    }
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    let addresses: ResolvedAddress[];
    if (family !== 0) {
      addresses = [{ address: host, family }];
    } else {
      try {
        addresses = await this.resolver.resolve(host);
      } catch (error) {
        throw new OutboundFetchError(
          error instanceof HostResolutionError ? error.message : 'the host name does not resolve',
          true,
        );
      }
    }
    if (addresses.length === 0) {
      throw new OutboundFetchError('the host name does not resolve', true);
    }
    if (!options.allowPrivate) {
      // Every address: a name that also resolves to an internal one is refused outright.
      for (const { address } of addresses) {
        const reason = nonPublicAddressReason(address);
        if (reason)
          throw new OutboundFetchError(
            `the host resolves to a non-public address (${reason})`,
            true,
          );
      }
    }
    return addresses[0];
  }

  private connect(
    target: URL,
    { address, family }: ResolvedAddress,
    options: GuardedFetchOptions,
    deadline: AbortSignal,
    request: OutboundRequest,
  ): Promise<FetchedDocument & FetchedResponse> {
    // Always the checked address; Node asks with `all: true` when it may try several families.
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<FetchedDocument & FetchedResponse>((resolve, reject) => {
      const fail = (message: string) => {
        req.destroy();
        reject(new OutboundFetchError(message));
      };
      const req = send(
        target,
        {
          method: request.method,
          headers: {
            accept: options.accept,
            ...(request.body === undefined
              ? {}
              : {
                  'content-type': 'application/x-www-form-urlencoded',
                  'content-length': Buffer.byteLength(request.body),
                }),
            ...request.headers,
          },
          lookup: pinned,
          agent: false,
          signal: deadline,
          ...(options.extraCaCertificates?.length
            ? { ca: [...rootCertificates, ...options.extraCaCertificates] }
            : {}),
        },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          if (request.okStatuses !== 'any') {
            if (status >= 300 && status < 400) return fail(`redirect (${status}) not followed`);
            if (!request.okStatuses.includes(status)) return fail(`HTTP status ${status}`);
          }
          const declared = Number(res.headers['content-length']);
          if (declared > options.maxBytes) return fail(`larger than ${options.maxBytes} bytes`);
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxBytes) return fail(`larger than ${options.maxBytes} bytes`);
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status,
              headers: headersOf(res),
              body: Buffer.concat(chunks),
              contentType: res.headers['content-type'],
              cacheControl: res.headers['cache-control'],
            }),
          );
          res.on('error', () => undefined);
        },
      );
      req.on('error', (error: Error) => {
        reject(
          deadline.aborted
            ? new OutboundFetchError(`no answer within ${options.timeoutMs} ms`, false, true)
            : new OutboundFetchError(`connection failed (${connectionFailure(error)})`),
        );
      });
      req.end(request.body);
    });
  }
}

/**
 * Node 24's advice after a TLS refusal, for whoever runs Node ("self-signed certificate; if the
 * root CA is installed locally, try running Node.js with --use-system-ca").
 */
const NODE_CA_ADVICE = /; if the root CA is installed locally, .*$/s;

/**
 * Why the connection failed, as a client or operator is told it: Node's reason without the advice
 * Node 24 adds for its own command line, so the same words on every Node the service runs on.
 */
function connectionFailure(error: Error): string {
  return error.message.replace(NODE_CA_ADVICE, '');
}

/** The response's headers, one string per name (RFC 9110 §5.3: repeated fields joined). */
function headersOf(res: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(res.headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}
