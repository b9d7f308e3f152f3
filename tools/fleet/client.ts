/**
 * The fleet's client: what a load balancer and a well-behaved client do together. Requests go to
 * the instances in turn (round robin). A connection refused (an instance that is down) is no
 * answer: the request goes to the next instance. A connection cut mid-request (an instance killed
 * while it worked) is an answer lost: the client retries it elsewhere, as a client on a flaky
 * network would, and the caller is told, since a retried redemption may meet its own first try.
 * A try with no complete answer within REQUEST_TIMEOUT_MS (headers and body) is given up as
 * timed out, a failure of its own kind, and retried like a lost one: a hung request must not stall
 * a run, and the checks count it (fleetChecks, `no-timeouts`). Every attempt is recorded with its
 * times, for the checks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Elapsed } from './processes';

/**
 * How long one try may take, from its turn in the pool to the last byte of the answer. The
 * service answers in milliseconds, 503 at once while its database is away, and a killed instance
 * cuts or refuses the connection. A request nothing answered is answered 503 by the service's own
 * deadline (REQUEST_TIMEOUT_SECONDS, 30 s by default, which the fleet's instances keep), counted
 * from when the service reads it: the client waits that long plus 15 s for a loaded machine's
 * queues, so the deadline's 503 comes first. A try still open this long is hung.
 */
export const REQUEST_TIMEOUT_MS = 45_000;

export type Endpoint =
  | 'authorize'
  | 'token.code'
  | 'token.refresh'
  | 'wallet.nonce'
  | 'wallet.verify'
  | 'api.me'
  | 'jwks'
  | 'login.page'
  | 'login'
  | 'login.siwe'
  | 'register'
  | 'device.authorize'
  | 'device.verify'
  | 'token.device'
  | 'end_session';

export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * A request, or how to make each try of it: a DPoP proof (RFC 9449 §4.2) is made fresh for every
 * try, since a try cut mid-flight may have spent its `jti` on the instance that received it.
 */
export type RequestSource = RequestSpec | (() => RequestSpec);

/** One try of a request at one instance. */
export interface Attempt {
  readonly endpoint: Endpoint;
  readonly instance: number;
  readonly sentAt: number;
  readonly endedAt: number;
  /**
   * answered; refused (nothing listening); lost (the connection ended without an answer);
   * timed-out (no complete answer within the client's REQUEST_TIMEOUT_MS: given up, the instance
   * may still have acted on it).
   */
  readonly outcome: 'answered' | 'refused' | 'lost' | 'timed-out';
  readonly status?: number;
  /** The envelope's `error` of a JSON answer. */
  readonly error?: string;
  /** Why a try got no answer (the socket error's code). */
  readonly cause?: string;
}

export interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown> | undefined;
  readonly text: string;
  readonly location?: string;
  readonly setCookie: readonly string[];
  readonly instance: number;
  readonly sentAt: number;
  readonly answeredAt: number;
  /**
   * Tries of this request lost mid-flight or timed out before this answer (each retried
   * elsewhere): either may have been acted on.
   */
  readonly lost: number;
  /** Every try of this request, this answer's last. */
  readonly tries: readonly Attempt[];
}

export class NoAnswer extends Error {}

/** The caller no longer wanted the answer (a concurrent copy of the request already got one). */
export class GaveUp extends Error {}

/** Counts slots; `run` waits for one. */
class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

function errorCode(error: unknown): string {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e);) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_CONNECT') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return 'unknown';
}

export class FleetClient {
  readonly attempts: Attempt[] = [];
  private readonly pools: Pool[];
  private readonly limit: Semaphore;
  private next = 0;
  private closed = false;

  constructor(
    readonly origins: readonly string[],
    inFlight: number,
    private readonly elapsed: Elapsed,
    /** How long a request keeps looking for a live instance before it gives up. */
    private readonly patienceMs = 180_000,
    /** How long one try may take before it is given up as timed out. */
    private readonly requestTimeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.pools = origins.map(
      (origin) =>
        new Pool(origin, {
          connections: inFlight,
          pipelining: 1,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        }),
    );
    this.limit = new Semaphore(inFlight);
  }

  get size(): number {
    return this.origins.length;
  }

  /**
   * Sends `spec` to `instance` (default: the next in turn) and returns its answer, trying the
   * next instance after a refusal, and after a lost answer unless `retryLost` is false. Before
   * each retry, `giveUp` may end it (GaveUp).
   */
  async send(
    endpoint: Endpoint,
    source: RequestSource,
    options: { instance?: number; retryLost?: boolean; giveUp?: () => boolean } = {},
  ): Promise<Answer> {
    let instance = options.instance ?? this.next++ % this.size;
    const deadline = this.elapsed() + this.patienceMs;
    let refusedInARow = 0;
    let lost = 0;
    const tries: Attempt[] = [];
    for (;;) {
      if (this.closed) throw new NoAnswer('the client is closed');
      const spec = typeof source === 'function' ? source() : source;
      const result = await this.limit.run(() => this.attempt(endpoint, spec, instance));
      tries.push(result.attempt);
      if (result.outcome === 'answered') return { ...result.answer, lost, tries };
      if (result.outcome === 'lost' || result.outcome === 'timed-out') {
        lost++;
        if (options.retryLost === false) {
          throw new NoAnswer(
            `${endpoint}: ${result.outcome === 'lost' ? 'answer lost' : `no answer within ${this.requestTimeoutMs} ms`}`,
          );
        }
        refusedInARow = 0;
      } else if (++refusedInARow % this.size === 0) {
        // Every instance refused: the whole fleet is restarting. Wait a little, then go round again.
        await sleep(250);
      }
      if (options.giveUp?.()) throw new GaveUp(`${endpoint}: no longer wanted`);
      if (this.elapsed() > deadline) {
        throw new NoAnswer(`${endpoint}: no instance answered within ${this.patienceMs} ms`);
      }
      instance = (instance + 1) % this.size;
    }
  }

  /** Ends every connection; requests still under way fail and are not retried. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pools.map((pool) => pool.destroy().catch(() => undefined)));
  }

  private async attempt(
    endpoint: Endpoint,
    spec: RequestSpec,
    instance: number,
  ): Promise<
    | { outcome: 'answered'; answer: Omit<Answer, 'lost' | 'tries'>; attempt: Attempt }
    | { outcome: 'refused' | 'lost' | 'timed-out'; answer?: undefined; attempt: Attempt }
  > {
    const sentAt = this.elapsed();
    // Aborts the try wherever it is: waiting for a connection, for the headers, or in the body.
    const deadline = AbortSignal.timeout(this.requestTimeoutMs);
    try {
      const res = await this.pools[instance].request({
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        body: spec.body,
        signal: deadline,
      });
      const text = await res.body.text();
      const answeredAt = this.elapsed();
      let json: Record<string, unknown> | undefined;
      if (String(res.headers['content-type'] ?? '').includes('application/json')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
        } catch {
          // left undefined: the checks report a JSON answer that is not JSON
        }
      }
      const error = typeof json?.error === 'string' ? json.error : undefined;
      const attempt: Attempt = {
        endpoint,
        instance,
        sentAt,
        endedAt: answeredAt,
        outcome: 'answered',
        status: res.statusCode,
        ...(error ? { error } : {}),
      };
      this.attempts.push(attempt);
      const location = res.headers.location;
      const setCookie = res.headers['set-cookie'];
      return {
        outcome: 'answered',
        answer: {
          status: res.statusCode,
          json,
          text,
          ...(typeof location === 'string' ? { location } : {}),
          setCookie: setCookie === undefined ? [] : [setCookie].flat(),
          instance,
          sentAt,
          answeredAt,
        },
        attempt,
      };
    } catch (error) {
      const cause = deadline.aborted ? 'timeout' : errorCode(error);
      const outcome = deadline.aborted
        ? 'timed-out'
        : cause === 'ECONNREFUSED'
          ? 'refused'
          : 'lost';
      const attempt: Attempt = {
        endpoint,
        instance,
        sentAt,
        endedAt: this.elapsed(),
        outcome,
        cause,
      };
      this.attempts.push(attempt);
      return { outcome, attempt };
    }
  }
}
