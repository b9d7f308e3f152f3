import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Clock } from '../../platform/clock/clock';
import { KeyedSequence } from '../../platform/concurrency/keyed-sequence';
import { LoginThrottleConfig } from '../../config/sections/login-throttle.config';
import { CounterKey, FailureCounter, LoginFailureStore } from './login-failure.store';
import { TokenConfig } from '../../config/sections/tokens.config';

/** The first wait once an address has used its free failures; it doubles with each further one. */
export const BACKOFF_BASE_SECONDS = 30;
/** How long a successful login keeps its address exempt from the account's ceiling. */
const KNOWN_ADDRESS_DAYS = 30;

export type LoginAttempt<T> =
  | { readonly kind: 'succeeded'; readonly value: T }
  | { readonly kind: 'failed' }
  | {
      readonly kind: 'throttled';
      readonly retryAfterSeconds: number;
      /** Which limit: the back-off of this address, or the ceiling of the account. */
      readonly limit: 'address' | 'account';
    };

interface Keys {
  /** Failures of this account from this address, in the current window. */
  readonly pair: CounterKey;
  /** Failures of this account from anywhere, in the current window. */
  readonly account: CounterKey;
  /** Failures of this account from anywhere, in the window before (kept one window longer). */
  readonly previousAccount: string;
  /** Present when this address logged in to this account successfully not long ago. */
  readonly known: CounterKey;
  readonly windowStartsAt: number;
  readonly windowEndsAt: number;
}

/**
 * NIST SP 800-63B §5.2.2 rate limiting of password guesses, without handing an attacker a cheap
 * lock-out of the user:
 * - per account and address: `failuresPerAccountAddress` free failures, then a wait of 30 s
 *   that doubles with each further failure (to the end of the window). A success resets it.
 *   Guessing from one address is slow, and it slows only that address;
 * - per account: at most `failuresPerAccount` (NIST: 100 at most) failures per window from all
 *   addresses together, the window sliding: the failures of the window before count too, less as
 *   the current one goes on (`accountFailures`), so a burst on each side of a boundary does not
 *   get twice the ceiling. Past it every attempt is refused until enough have faded, except
 *   from an address that logged in to the account successfully in the last 30 days.
 * Refused attempts are not evaluated, so the right password is refused too, and cost no scrypt.
 * Counters are in MongoDB (one document per key and fixed window, `$inc`, TTL index), so the
 * limits hold across instances. Attempts for one account and address run one at a time per
 * instance, so a burst cannot slip guesses past the check; across instances, and for the
 * account ceiling across addresses, concurrent attempts can exceed a limit by the number in
 * flight.
 */
@Injectable()
export class LoginThrottle {
  /** Keys are HMACs, shared by every instance: the collection holds no username or address. */
  private readonly keyHmacSecret: Buffer;
  private readonly sequence = new KeyedSequence<string>();

  constructor(
    private readonly store: LoginFailureStore,
    private readonly clock: Clock,
    private readonly loginThrottle: LoginThrottleConfig,
    tokens: TokenConfig,
  ) {
    this.keyHmacSecret = createHmac('sha256', tokens.keyEncryptionSecret)
      .update('proofgate login throttle keys')
      .digest();
  }

  /**
   * Runs `check` (the password verification) unless a limit refuses the attempt, and counts its
   * outcome. `check` resolves to the authenticated value, or null for wrong credentials.
   */
  attempt<T>(
    username: string,
    address: string,
    check: () => Promise<T | null>,
  ): Promise<LoginAttempt<T>> {
    const pair = this.hmac(`pair\n${username}\n${address}`);
    return this.sequence.run(pair, () => this.run(username, pair, check));
  }

  private async run<T>(
    username: string,
    pair: string,
    check: () => Promise<T | null>,
  ): Promise<LoginAttempt<T>> {
    const now = this.clock.now().getTime();
    const keys = this.keys(username, pair, now);
    const counters = await this.store.read(
      [keys.pair.id, keys.account.id, keys.previousAccount, keys.known.id],
      new Date(now),
    );
    const refusal = this.refusal(keys, counters, now);
    if (refusal) return refusal;

    const value = await check();
    const at = this.clock.now();
    if (value === null) {
      await this.store.addFailure([keys.pair, keys.account], at);
      return { kind: 'failed' };
    }
    await this.store.recordSuccess(keys.pair.id, {
      id: keys.known.id,
      expiresAt: new Date(at.getTime() + KNOWN_ADDRESS_DAYS * 86_400_000),
    });
    return { kind: 'succeeded', value };
  }

  private refusal(
    keys: Keys,
    counters: ReadonlyMap<string, FailureCounter>,
    now: number,
  ): LoginAttempt<never> | undefined {
    const { failuresPerAccountAddress, failuresPerAccount } = this.loginThrottle;
    const pair = counters.get(keys.pair.id);
    if (pair?.lastFailureAt && pair.failures >= failuresPerAccountAddress) {
      const waitMs = BACKOFF_BASE_SECONDS * 1000 * 2 ** (pair.failures - failuresPerAccountAddress);
      const until = Math.min(pair.lastFailureAt.getTime() + waitMs, keys.windowEndsAt);
      if (until > now) return throttled(until - now, 'address');
    }
    if (counters.has(keys.known.id)) return undefined;
    const current = counters.get(keys.account.id)?.failures ?? 0;
    const previous = counters.get(keys.previousAccount)?.failures ?? 0;
    const windowMs = keys.windowEndsAt - keys.windowStartsAt;
    const fading = (keys.windowEndsAt - now) / windowMs;
    if (accountFailures(current, previous, fading) < failuresPerAccount) return undefined;
    return throttled(ceilingLiftsAt(current, previous, failuresPerAccount, keys) - now, 'account');
  }

  /**
   * Counters of windows aligned on their length: the window's index is part of the `_id`, so a
   * new window starts from zero with a plain `$inc` even while the TTL monitor has not yet
   * removed the old one. An account's counter lives one window longer, read as the window before.
   */
  private keys(username: string, pair: string, now: number): Keys {
    const windowMs = this.loginThrottle.failureWindowSeconds * 1000;
    const index = Math.floor(now / windowMs);
    const windowStartsAt = index * windowMs;
    const windowEndsAt = windowStartsAt + windowMs;
    const account = `a:${this.hmac(`account\n${username}`)}`;
    return {
      pair: { id: `ai:${pair}:${index}`, expiresAt: new Date(windowEndsAt) },
      account: { id: `${account}:${index}`, expiresAt: new Date(windowEndsAt + windowMs) },
      previousAccount: `${account}:${index - 1}`,
      known: { id: `k:${pair}`, expiresAt: new Date(now + KNOWN_ADDRESS_DAYS * 86_400_000) },
      windowStartsAt,
      windowEndsAt,
    };
  }

  private hmac(value: string): string {
    return createHmac('sha256', this.keyHmacSecret).update(value, 'utf8').digest('base64url');
  }
}

/**
 * An account's failures in the sliding window that ends now: those of the current window, and
 * those of the window before in the share (`fading`, 1 to 0) of it the sliding window still
 * covers, as if they had been spread evenly over it.
 */
export function accountFailures(current: number, previous: number, fading: number): number {
  return current + previous * fading;
}

/**
 * When the account's failures (`accountFailures`) fall below `ceiling` with no new one: within
 * this window while the window before still weighs, else once the next window has covered
 * enough of this one.
 */
function ceilingLiftsAt(
  current: number,
  previous: number,
  ceiling: number,
  { windowStartsAt, windowEndsAt }: Keys,
): number {
  const windowMs = windowEndsAt - windowStartsAt;
  if (current < ceiling) return windowStartsAt + windowMs * (1 - (ceiling - current) / previous);
  return windowEndsAt + windowMs * (1 - ceiling / current);
}

function throttled(waitMs: number, limit: 'address' | 'account'): LoginAttempt<never> {
  return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit };
}
