import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { TokenConfig } from '../config/sections/tokens.config';
import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';
import { KeyedHash, SecretBox } from '../platform/crypto/secret-box';
import type { RateLimitCharge } from '../platform/rate-limit/rate-limiter';
import { mailboxOf } from './email-address';
import { EMAIL_CODE_MAX_ATTEMPTS, EMAIL_CODE_TTL_SECONDS } from './email.proof';
import { EMAIL_CODES_PER_ADDRESS, EMAIL_CODES_PER_MAILBOX } from './email.rate-limits';

/** An email code: 8 decimal digits, 10^8 values. */
export const EMAIL_CODE = /^[0-9]{8}$/;
/** A link's token: `randomToken(32)`, 256 bits, 43 base64url characters. */
export const EMAIL_LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What a challenge keeps besides its binding: the address, sealed, and where the login goes. */
interface EmailChallengePayload {
  readonly address: string;
  readonly returnTo?: string;
}

/** A challenge just issued: what the mail carries (never stored in clear). */
export interface IssuedEmailCode {
  readonly code: string;
  /** The link's token (sign-in challenges only). */
  readonly linkToken?: string;
  readonly expiresAt: Date;
}

/**
 * Why a code or link was refused: the metrics' reason, never shown (the user is told one
 * sentence for all). Only the presenting browser's (or account's) own challenge decides it: a
 * code live in another browser is a wrong code here like any other.
 */
export type EmailCodeRefusal =
  /** No live challenge here: none asked for, expired, used, or its attempts used up. */
  | 'no_challenge'
  /** A live challenge, another code (or link token). */
  | 'wrong_code';

export type EmailRedemption =
  | { readonly ok: true; readonly address: string; readonly returnTo?: string }
  | { readonly ok: false; readonly reason: EmailCodeRefusal };

/**
 * The email codes in the one challenge store. A sign-in challenge is keyed by the browser that
 * asked (the SHA-256 of its pre-login session id, the cookie the login page's CSRF token is
 * bound to), so that a wrong code is counted against it whatever the code, and a new request from
 * the browser replaces the one before (`replaces`): one live code per browser. It is bound to
 * the code's HMAC, the link token's SHA-256 and the address's HMAC; the address itself is kept
 * sealed for the sign-in, and nothing of it, the code or the token is stored in clear. A link
 * challenge (an address added to an account) is keyed by the account instead.
 *
 * Redemption: one attempt counted (at most EMAIL_CODE_MAX_ATTEMPTS, atomically), then one atomic
 * consume whose filter checks the purpose and the code (or token), unspent and unexpired; the
 * attempt that uses the last one up and fails spends the challenge. It reads and writes the
 * presenting browser's challenge only, so what a refused code costs and answers never depends on
 * whether it is live somewhere else (docs/EMAIL-LOGIN.md, "One refusal for every wrong code").
 */
@Injectable()
export class EmailChallenges {
  private readonly codes: KeyedHash;
  private readonly addresses: KeyedHash;
  private readonly sealed: SecretBox;

  constructor(
    private readonly store: ChallengeStore,
    tokens: TokenConfig,
  ) {
    this.codes = new KeyedHash(tokens.keyEncryptionSecret, 'email-code');
    this.addresses = new KeyedHash(tokens.keyEncryptionSecret, 'email-address');
    this.sealed = new SecretBox(tokens.keyEncryptionSecret, 'email-address');
  }

  /** The address as the bindings count it: its HMAC, never the address. */
  addressKey(address: string): string {
    return this.addresses.of(address);
  }

  /**
   * The mail budgets a code sent to the normalised `address` is charged to: the address's, and
   * its mailbox's (the subaddress removed), each keyed by an HMAC, never the address.
   */
  addressBudgets(address: string): RateLimitCharge[] {
    return [
      { rule: EMAIL_CODES_PER_ADDRESS, key: this.addresses.of(address) },
      { rule: EMAIL_CODES_PER_MAILBOX, key: this.addresses.of(`mailbox:${mailboxOf(address)}`) },
    ];
  }

  /** Issues the sign-in challenge of the browser `presession` for `address`. */
  async issueLogin(
    presession: string,
    address: string,
    returnTo: string,
  ): Promise<Required<IssuedEmailCode>> {
    const code = newCode();
    const linkToken = randomToken(32);
    const key = loginKey(sha256Base64Url(presession));
    const issued = await this.store.issue<EmailChallengePayload>({
      kind: 'email_code',
      key,
      binding: {
        purpose: 'login',
        code: this.codes.of(code),
        link: sha256Base64Url(linkToken),
        address: this.addressKey(address),
      },
      payload: { address: this.sealed.seal(address, key), returnTo },
      ttlSeconds: EMAIL_CODE_TTL_SECONDS,
      replaces: true,
    });
    return { code, linkToken, expiresAt: issued.expiresAt };
  }

  /** Issues the challenge that adds `address` to the account `sub` (a code, no link). */
  async issueLink(sub: string, address: string): Promise<IssuedEmailCode> {
    const code = newCode();
    const key = linkKey(sub);
    const issued = await this.store.issue<EmailChallengePayload>({
      kind: 'email_code',
      key,
      binding: { purpose: 'link', code: this.codes.of(code), address: this.addressKey(address) },
      payload: { address: this.sealed.seal(address, key) },
      ttlSeconds: EMAIL_CODE_TTL_SECONDS,
      replaces: true,
    });
    return { code, expiresAt: issued.expiresAt };
  }

  /** The browser `presession` presents `code`. */
  redeemLoginCode(presession: string, code: string): Promise<EmailRedemption> {
    const key = loginKey(sha256Base64Url(presession));
    return this.redeem(key, { purpose: 'login', code: this.codes.of(code) });
  }

  /** The browser `presession` opened the link carrying `token`. */
  redeemLoginLink(presession: string, token: string): Promise<EmailRedemption> {
    const key = loginKey(sha256Base64Url(presession));
    return this.redeem(key, { purpose: 'login', link: sha256Base64Url(token) });
  }

  /** The account `sub` presents the code of its link challenge. */
  redeemLinkCode(sub: string, code: string): Promise<EmailRedemption> {
    return this.redeem(linkKey(sub), { purpose: 'link', code: this.codes.of(code) });
  }

  /**
   * `binding`: the challenge's purpose (`login`: signing a browser in, `link`: adding an address
   * to an account), so one purpose's code never redeems the other's, and the code or token.
   */
  private async redeem(key: string, binding: Record<string, string>): Promise<EmailRedemption> {
    const attempt = await this.store.countAttempt('email_code', key, EMAIL_CODE_MAX_ATTEMPTS);
    if (attempt === null) return { ok: false, reason: 'no_challenge' };
    const result = await this.store.consume<EmailChallengePayload>('email_code', key, binding);
    if (result.ok) {
      const { address, returnTo } = result.challenge.payload;
      return {
        ok: true,
        address: this.sealed.open(address, key),
        ...(returnTo === undefined ? {} : { returnTo }),
      };
    }
    if (attempt >= EMAIL_CODE_MAX_ATTEMPTS) await this.store.spend('email_code', key);
    return result.reason === 'binding_mismatch'
      ? { ok: false, reason: 'wrong_code' }
      : { ok: false, reason: 'no_challenge' };
  }
}

/** 8 digits, uniformly (node's CSPRNG). */
function newCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** The browser's sign-in challenge: keyed by the SHA-256 of its pre-login session id. */
function loginKey(browser: string): string {
  return `email-login:${browser}`;
}

function linkKey(sub: string): string {
  return `email-link:${sub}`;
}
