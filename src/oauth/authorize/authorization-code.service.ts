import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { randomToken } from '../../platform/crypto/hashing';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import type { AuthMethod } from '../../proofs/proof-vocabulary';
import { codeLifetimeSeconds, type ProfiledClient } from '../../protocol-rules/client-profile';
import type { RequestedClaims } from '../../protocol-rules/claims-request';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';

/** What an authorization code carries besides its binding. */
export interface AuthorizationCodePayload {
  sub: string;
  scope: string;
  authMethod: AuthMethod;
  /** The method key of the session's login: the grant the code opens records it. */
  methodKey?: string;
  /** RFC 8176 `amr` of the login, when the session kept it (else the method's default). */
  amr?: string[];
  /**
   * OpenID Connect `auth_time`: when the login session started, seconds since the epoch. Carried
   * with the code so the token endpoint signs the ID token without reading the session.
   */
  authTime?: number;
  /** OpenID Connect `acr` the session's login achieved (`phr`), when it achieved one. */
  acr?: string;
  /** The login session's `sid` (Back-Channel Logout 1.0 §2.1): its logout reaches the grant. */
  sid?: string;
  /** OpenID Connect Core §3.1.2.1: echoed in the ID token, when the request sent one. */
  nonce?: string;
  /**
   * RFC 8707: the resource the authorization is for, the first when it is for several: what the
   * access token is for when the token request names none (absent on codes issued before it was
   * kept).
   */
  resource?: string;
  /** RFC 8707 §2: every resource the authorization is for, `resource` first, when several. */
  resources?: string[];
  /** OpenID Connect Core §5.5: the claims about the user the `claims` parameter asked for, and where. */
  claims?: RequestedClaims;
  /** RFC 9396: the authorization details the user allowed, for the grant and its tokens. */
  authorizationDetails?: AuthorizationDetail[];
}

/** The binding the token request must reproduce for the code to be consumed. */
export interface AuthorizationCodeBinding {
  client_id: string;
  redirect_uri: string;
  /**
   * Only S256 exists here, so the binding holds BASE64URL(SHA-256(verifier)); NO_CODE_CHALLENGE
   * for a code issued without PKCE (check-pkce.ts), which no verifier redeems.
   */
  code_challenge: string;
  /** And `dpop_jkt` (DPOP_JKT_BINDING_FIELD) when the request named the key to redeem it with. */
  [field: string]: string;
}

/** The code's binding field of RFC 9449 §10 `dpop_jkt`: present only on codes bound to a key. */
export const DPOP_JKT_BINDING_FIELD = 'dpop_jkt';

@Injectable()
export class AuthorizationCodeService {
  constructor(
    private readonly store: ChallengeStore,
    private readonly challenges: ChallengeConfig,
  ) {}

  /**
   * 256 bits of CSPRNG; only its hash is stored, bound to client, redirect URI and challenge.
   * It lives AUTH_CODE_TTL_SECONDS, at most 60 s for a client of the fapi2 profile (FAPI 2.0
   * §5.3.2.1-11).
   */
  async issue(
    client: ProfiledClient,
    binding: AuthorizationCodeBinding,
    payload: AuthorizationCodePayload,
  ): Promise<string> {
    const code = randomToken(32);
    await this.store.issue({
      kind: 'authorization_code',
      key: code,
      binding,
      payload,
      ttlSeconds: codeLifetimeSeconds(client, this.challenges.authorizationCodeTtlSeconds),
    });
    return code;
  }
}
