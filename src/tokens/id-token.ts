import type { SigningAlg } from '../protocol-rules/signing-algs';
import type { AuthMethod } from '../proofs/proof-vocabulary';
import type { ProfileClaimValues } from '../protocol-rules/claims-request';

/** What the token endpoint knows of an OpenID Connect authentication, from the code it redeems. */
export interface IdTokenAuthentication {
  /** When the login session started, seconds since the epoch (OpenID Connect `auth_time`). */
  authTime: number;
  /** The `nonce` of the authorization request, when it sent one. */
  nonce?: string;
  /** RFC 8176 `amr` of the login, when known beyond the method's default. */
  amr?: readonly string[];
  /**
   * OpenID Connect Back-Channel Logout 1.0 §2.1 / Front-Channel Logout §3 `sid`: the login
   * session's identifier (never its cookie), when the login came from a browser session.
   */
  sid?: string;
  /**
   * OpenID Connect Core §5.5: the profile claims the `claims` parameter asked for in the ID token
   * (never those of the `profile` scope alone, which go to the UserInfo endpoint, §5.4).
   */
  profile?: ProfileClaimValues;
  /**
   * The client's OpenID Connect Registration §2 `id_token_signed_response_alg`; absent (a client
   * the operator configured without one): TOKEN_SIGNING_ALG.
   */
  alg?: SigningAlg;
}

export interface SignIdTokenInput extends IdTokenAuthentication {
  sub: string;
  /** The client the ID token is for: its only audience (OpenID Connect Core §2 `aud`). */
  clientId: string;
  authMethod: AuthMethod;
  /** OpenID Connect Core §2 `acr` of the login (`phr`), when it achieved one. */
  acr?: string;
  /** The access token issued with it, for `at_hash`. */
  accessToken: string;
}
