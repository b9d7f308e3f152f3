import { sha256Base64Url } from '../platform/crypto/hashing';
import type { AuthMethod } from '../proofs/proof-vocabulary';

/**
 * OpenID Connect Front-/Back-Channel Logout `sid` of a session: derived one-way from the stored
 * id hash, so it is stable for the session's life, tells nothing of the cookie, and needs no
 * field of its own (sessions from before it have one too). 128 bits, base64url.
 */
export function sessionIdOf(idHash: string): string {
  return sha256Base64Url(`sid:${idHash}`).slice(0, 22);
}

/** Who logged in, and how: what a login flow hands to `SessionService.start`. */
export interface SessionIdentity {
  readonly sub: string;
  readonly authMethod: AuthMethod;
  /**
   * RFC 8176 `amr` of this login when the method says more than its default (a passkey: `pop`
   * and `user` when the user was verified); the ID tokens of the session carry it.
   */
  readonly amr?: readonly string[];
  /**
   * The method key (accounts/account.ts) of the method that proved this login: removing that
   * method ends the session. Absent on sessions from before it was kept.
   */
  readonly methodKey?: string;
  /**
   * Proven with a key shown hardware-bound at its registration (a passkey of verified attestation,
   * not backup-eligible): the sign-in achieves its method's `hardwareBound` `acr` (`phrh`).
   */
  readonly hardwareBound?: boolean;
  /**
   * Proven on another device than this browser's (an identity wallet answering a QR code, the
   * page polling): like a device grant (RFC 8628 §5.4) such a session never gets the `account`
   * scope, and /authorize asks for another sign-in when a request wants it.
   */
  readonly crossDevice?: boolean;
  /**
   * When the proof was made, where that is before now: an upstream provider's `auth_time` (its
   * own session may be days old). The session's `auth_time` is then that, never later than now.
   */
  readonly authenticatedAt?: Date;
}

/** One sign-in a session's `amr` names: its method, its own RFC 8176 values, and when. */
export interface SessionSignIn {
  readonly authMethod: AuthMethod;
  readonly amr: readonly string[];
  readonly at: Date;
}

/** A browser's live login session (OpenID Connect's `auth_time` is `authTime`). */
export interface LoginSession extends SessionIdentity {
  /** The session's `sid` (sessionIdOf): in its ID tokens and logout tokens, never the cookie. */
  readonly sid: string;
  /** When the session's latest authentication happened: every sign-in starts a new session. */
  readonly authTime: Date;
  /**
   * OpenID Connect `acr` that authentication achieved (protocol-rules/acr.ts): `phr` for a
   * passkey; absent for a login that is not phishing-resistant.
   */
  readonly acr?: string;
  readonly expiresAt: Date;
  /**
   * The sign-ins `amr` names (session-amr.ts), oldest first, the one at `authTime` last: this
   * browser's sign-ins of the account by other methods within ACCOUNT_RECENT_LOGIN_SECONDS of
   * it. Absent on sessions from before they were kept.
   */
  readonly signIns?: readonly SessionSignIn[];
}

/**
 * Most sessions a session names as `replaced`: a browser that signs in again and again chains
 * its latest ones; older ones end when they expire.
 */
export const MAX_REPLACED_SESSIONS = 8;

/** A session as stored: keyed by the SHA-256 of the cookie value, never by the value. */
export interface StoredSession extends Omit<LoginSession, 'sid'> {
  /** BASE64URL(SHA-256(cookie value)). */
  readonly idHash: string;
  /**
   * The id hashes of the live sessions this browser held before this one, newest first (at most
   * MAX_REPLACED_SESSIONS): a sign-in in a signed-in browser (again, for a step-up, or as another
   * account) starts a new session whose cookie replaces theirs, and signing out in the browser
   * ends them too, so the clients that got tokens in them hear of it. Absent when there were none.
   */
  readonly replaced?: readonly string[];
}
