import { sha256Base64Url } from '../../platform/crypto/hashing';
import type { DEVICE_CODE_GRANT_TYPE } from '../../protocol-rules/grant-types';
import type { AuthMethod } from '../../proofs/proof-vocabulary';
import type { UserClaim } from '../../protocol-rules/claims-request';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { ApprovalClaim } from '../access-token';

/**
 * The grant type a grant was opened by, where it changes what its tokens may do: a device grant
 * (RFC 8628) never carries `phr` and never changes an account, since the user code that approved
 * it can be phished (§5.4); a client's own grant (client_credentials) names no user. Absent: a
 * grant of a sign-in the user made here (a code, a wallet or passkey sign-in).
 */
export type RecordedGrantType = 'client_credentials' | typeof DEVICE_CODE_GRANT_TYPE;

/**
 * Where a grant's refresh-token family stands. Tokens are kept as SHA-256 hashes only; every
 * rotation moves `current` into `spent`, so a spent token presented again is recognised.
 */
export interface RefreshState {
  current: string;
  /** When `current` replaced the previous token (absent before the first rotation). */
  rotatedAt?: Date;
  /** Retries of the previous token answered in the grace window since that rotation. */
  retries: number;
  /** Hashes of the family's rotated tokens, most recent last (bounded, see MAX_SPENT). */
  spent: string[];
}

/**
 * A grant: one user's authorization of one client, from a login to its revocation. It is the
 * refresh-token family and the unit of revocation: revoking it invalidates every access and
 * refresh token issued under it.
 */
export interface Grant {
  grantId: string;
  clientId: string;
  sub: string;
  scope: string;
  authMethod: AuthMethod;
  /** RFC 8628: set on a device grant (see RecordedGrantType); absent on the others. */
  grantType?: typeof DEVICE_CODE_GRANT_TYPE;
  /**
   * The method key (accounts/account.ts) of the method whose login started the grant: removing
   * that method revokes it. Absent on grants from before it was kept.
   */
  methodKey?: string;
  /** When the login the grant came from happened; absent on grants from before it was kept. */
  authTime?: Date;
  /**
   * OpenID Connect `acr` of that login (`phr`), absent when it achieved none: every access
   * token of the grant, refreshed ones too, says it (a refresh is no new authentication).
   */
  acr?: string;
  /**
   * The `sid` of the browser login session the grant came from (a code or a device approval):
   * ending that session revokes the grant and sends its client a logout token (OpenID Connect
   * Back-Channel Logout 1.0). Absent for grants opened without a session.
   */
  sid?: string;
  /**
   * RFC 8707: the resource (access token `aud`) authorized, the first when several were: what a
   * token request naming none gets. Absent on grants from before it was kept.
   */
  resource?: string;
  /**
   * RFC 8707 §2: every resource the grant authorized, `resource` first, when it authorized
   * several; a token request may name any one of them (`grantedResources`).
   */
  resources?: string[];
  /**
   * OpenID Connect Core §5.5: the profile claims the authorization request's `claims` parameter
   * asked the UserInfo endpoint for, beside those its scope gives; absent when it asked for none.
   */
  userinfoClaims?: readonly UserClaim[];
  /** RFC 9396: the authorization details the user allowed; every access token carries them. */
  authorizationDetails?: readonly AuthorizationDetail[];
  /** A CIBA request approved by a proof over it: every access token carries it (ApprovalClaim). */
  approval?: ApprovalClaim;
  createdAt: Date;
  /** Absolute end of the refresh-token family. */
  expiresAt: Date;
  revokedAt?: Date;
  revokedReason?: string;
  refresh: RefreshState;
  /**
   * RFC 9449 §5: the thumbprint of the DPoP key a public client's refresh tokens are bound to
   * (a refresh must prove possession of it). Absent: the refresh tokens are not key-bound.
   */
  dpopJkt?: string;
  /**
   * The grant's access tokens were DPoP-bound (RFC 9449): it was opened, or once refreshed, with
   * a proof. From then on every refresh needs a proof (of `dpopJkt` when set; of any key for a
   * confidential client), so a bound grant cannot fall back to bearer tokens.
   */
  dpopBound?: boolean;
}

/**
 * RFC 9449: the DPoP key a token request proved possession of. Its access tokens are bound to
 * it (`cnf.jkt`, `token_type` DPoP); with `bindRefresh` (a public client, §5) its refresh tokens
 * too, for the grant's whole life.
 */
export interface DpopBinding {
  jkt: string;
  bindRefresh: boolean;
}

/**
 * RFC 6749 §4.4: a client's authorization of itself (client_credentials), one per access token:
 * its unit of revocation, like a user's grant, ending when the token does. No user (`sub` is the
 * client), no login method, no refresh-token family.
 */
export interface ClientGrant {
  grantId: string;
  clientId: string;
  scope: string;
  /** RFC 8707: the access token's `aud`. */
  resource: string;
  createdAt: Date;
  expiresAt: Date;
  dpopBound?: boolean;
}

/**
 * A grant as administration lists it: everything but its refresh-token hashes. A client's own
 * grant (`grantType` client_credentials) has no `authMethod`, and its `sub` is the client.
 */
export type GrantSummary = Omit<
  Grant,
  | 'refresh'
  | 'dpopJkt'
  | 'dpopBound'
  | 'authMethod'
  | 'grantType'
  | 'userinfoClaims'
  | 'authorizationDetails'
  | 'approval'
> & {
  authMethod?: AuthMethod;
  grantType?: RecordedGrantType;
};

/** A live grant, as a protected resource needs it beside its access token's own claims. */
export interface ActiveGrant {
  readonly grantType?: RecordedGrantType;
  /**
   * RFC 8707 §2: every resource the grant authorized, when several (see `Grant.resources`);
   * absent, its tokens are all for one, the `aud` they carry. Token exchange reads it.
   */
  readonly resources?: readonly string[];
  /** See Grant.userinfoClaims. */
  readonly userinfoClaims?: readonly UserClaim[];
}

/**
 * Which grants an administrator means: those of one subject, one client, or both; with
 * `methodKey`, only those that method's logins started.
 */
export interface GrantFilter {
  sub?: string;
  clientId?: string;
  methodKey?: string;
  /** The grants one login session opened. */
  sid?: string;
}

/**
 * The grant a redeemed challenge (code or nonce) opens has an id derived from the challenge's
 * key hash: whoever sees the challenge spent can find, or pre-empt, the grant it opened, which
 * is how a replay that races the redemption still revokes its tokens (RFC 6749 §4.1.2).
 */
export function grantIdForChallenge(challengeKeyHash: string): string {
  const id = sha256Base64Url(`grant:${challengeKeyHash}`).slice(0, 22);
  // Never a leading '-': `proofgate-admin grants revoke <id>` would read it as an option. Only
  // those ids change (one in 64), and a collision with another hash is a 126-bit chance.
  return id.startsWith('-') ? `g${id.slice(1)}` : id;
}
