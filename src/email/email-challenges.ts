import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import { TokenConfig } from '../config/sections/tokens.config';
import { firstWriteWins } from '../platform/database/duplicate-key';
import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';
import { KeyedHash, SecretBox } from '../platform/crypto/secret-box';
import { EMAIL_CODE_MAX_ATTEMPTS, EMAIL_CODE_TTL_SECONDS } from './email.proof';

/** An email code: 8 decimal digits, 10^8 values. */
export const EMAIL_CODE = /^[0-9]{8}$/;
/** A link's token: `randomToken(32)`, 256 bits, 43 base64url characters. */
export const EMAIL_LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Codes drawn before giving up on one no live owner record holds (each clash is 1 in 10^8/live). */
const CODE_DRAWS = 5;

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

/** Why a code or link was refused (the metrics' reason; the user is told one sentence). */
export type EmailCodeRefusal =
  /** No live challenge here: none asked for, expired, used, or its attempts used up. */
  | 'no_challenge'
  /** A live challenge, another code (or link token). */
  | 'wrong_code'
  /** The code of a challenge another browser asked for: counted against that one. */
  | 'other_browser';

export type EmailRedemption =
  | { readonly ok: true; readonly address: string; readonly returnTo?: string }
  | { readonly ok: false; readonly reason: EmailCodeRefusal; readonly attemptsLeft: number };

/**
 * The email codes in the one challenge store. A sign-in challenge is keyed by the browser that
 * asked (the SHA-256 of its pre-login session id, the cookie the login page's CSRF token is
 * bound to), so that a wrong code is counted against it whatever the code, and a new request from
 * the browser replaces the one before (`replaces`): one live code per browser. It is bound to
 * the code's HMAC, the link token's SHA-256 and the address's HMAC; the address itself is kept
 * sealed for the sign-in, and nothing of it, the code or the token is stored in clear. Each code
 * sent to sign in also gets an owner record (which browser it was sent for), inserted first,
 * whose unique key keeps two live codes from being equal: a code entered in another browser is
 * then refused and counted against the challenge it belongs to. A link challenge (an address
 * added to an account) is keyed by the account instead.
 *
 * Redemption: one attempt counted (at most EMAIL_CODE_MAX_ATTEMPTS, atomically), then one atomic
 * consume whose filter checks the purpose and the code (or token), unspent and unexpired; the
 * attempt that uses the last one up and fails spends the challenge.
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

  /** The address as the rate limits and bindings count it: its HMAC, never the address. */
  addressKey(address: string): string {
    return this.addresses.of(address);
  }

  /** Issues the sign-in challenge of the browser `presession` for `address`. */
  async issueLogin(
    presession: string,
    address: string,
    returnTo: string,
  ): Promise<Required<IssuedEmailCode>> {
    const browser = sha256Base64Url(presession);
    const code = await this.claimCode(browser);
    const linkToken = randomToken(32);
    const key = loginKey(browser);
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
  async redeemLoginCode(presession: string, code: string): Promise<EmailRedemption> {
    const browser = sha256Base64Url(presession);
    const codeHash = this.codes.of(code);
    const result = await this.redeem(loginKey(browser), { purpose: 'login', code: codeHash });
    if (result.ok) return result;
    // Not this browser's code: if it is another's, that challenge counts the attempt too.
    return (await this.chargeOwner(codeHash, browser))
      ? { ok: false, reason: 'other_browser', attemptsLeft: result.attemptsLeft }
      : result;
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
    if (attempt === null) return { ok: false, reason: 'no_challenge', attemptsLeft: 0 };
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
      ? { ok: false, reason: 'wrong_code', attemptsLeft: EMAIL_CODE_MAX_ATTEMPTS - attempt }
      : { ok: false, reason: 'no_challenge', attemptsLeft: 0 };
  }

  /**
   * Counts an attempt against the sign-in challenge `codeHash` was sent for, when another browser
   * than `browser` asked for it and it still holds that code; true when the code is another
   * browser's.
   */
  private async chargeOwner(codeHash: string, browser: string): Promise<boolean> {
    const owner = await this.store.peek('email_code_owner', ownerKey(codeHash));
    const ownerBrowser = owner?.binding.browser;
    if (ownerBrowser === undefined || ownerBrowser === browser) return false;
    const key = loginKey(ownerBrowser);
    const bound = { purpose: 'login', code: codeHash };
    const attempt = await this.store.countAttempt(
      'email_code',
      key,
      EMAIL_CODE_MAX_ATTEMPTS,
      bound,
    );
    if (attempt !== null && attempt >= EMAIL_CODE_MAX_ATTEMPTS) {
      await this.store.spend('email_code', key, bound);
    }
    return true;
  }

  /**
   * A code no live owner record holds, and its owner record for `browser`: the record's unique
   * key (the code's HMAC) decides, never a read before the write.
   */
  private async claimCode(browser: string): Promise<string> {
    for (let draw = 0; draw < CODE_DRAWS; draw++) {
      const code = newCode();
      const claimed = await firstWriteWins(() =>
        this.store.issue({
          kind: 'email_code_owner',
          key: ownerKey(this.codes.of(code)),
          binding: { browser },
          payload: {},
          ttlSeconds: EMAIL_CODE_TTL_SECONDS,
        }),
      );
      if (claimed) return code;
    }
    throw new Error(`No free email code in ${CODE_DRAWS} draws`);
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

function ownerKey(codeHash: string): string {
  return `email-code:${codeHash}`;
}
