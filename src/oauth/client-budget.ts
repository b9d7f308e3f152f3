import { Injectable } from '@nestjs/common';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { TOKEN_PER_CLIENT } from './oauth.rate-limits';

/**
 * One request's charge to its client's budget, started once the client is proven: by its
 * secret (a confidential client, at authentication) or by a valid code, refresh token or token
 * of its own (a public client, which has no secret). Started at most once; `settled` throws
 * `TooManyRequests` past the limit.
 */
export class ClientCharge {
  private pending: Promise<void> | undefined;

  constructor(private readonly run: () => Promise<void>) {}

  get started(): boolean {
    return this.pending !== undefined;
  }

  /** Starts the charge, to run alongside the work the request does anyway. */
  start(): void {
    if (this.pending) return;
    this.pending = this.run();
    // Observed here so that a refusal nobody awaits yet is not an unhandled rejection; the
    // request still awaits it through `settled`.
    this.pending.catch(() => undefined);
  }

  /** Starts the charge if it is not, and waits for its verdict. */
  settled(): Promise<void> {
    this.start();
    return this.pending as Promise<void>;
  }

  /**
   * Runs the request's `work`, which starts the charge once it proves the client (or it was
   * started before): the request then waits for the charge too, and a refusal of the charge wins
   * over the work's result or error. A request whose work proved nothing is not charged.
   */
  async ifProven<T>(work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (this.started) await this.settled();
      throw error;
    }
    if (this.started) await this.settled();
    return result;
  }

  /** As `ifProven`, for work whose success proves the client: every success is charged. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.ifProven(work);
    await this.settled();
    return result;
  }
}

/**
 * The per-client budget of /token, /revoke and /introspect (RATE_LIMIT_TOKEN_PER_CLIENT),
 * charged to proven clients only: a caller who merely names a client spends nothing of it.
 */
@Injectable()
export class ClientBudget {
  constructor(private readonly limiter: RateLimiter) {}

  /** The charge of one request of `clientId`, not started. */
  chargeFor(clientId: string): ClientCharge {
    return new ClientCharge(() => this.limiter.charge(TOKEN_PER_CLIENT, clientId, 'closed'));
  }

  /**
   * Runs `work` for a client just proven, charging it concurrently (the charge's round trip
   * overlaps the work's). Past the limit the answer is 429, whatever the work's outcome.
   */
  async alongside<T>(clientId: string, work: () => Promise<T>): Promise<T> {
    const charge = this.chargeFor(clientId);
    charge.start();
    return charge.around(work);
  }
}
