import { Injectable } from '@nestjs/common';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { randomToken } from '../platform/crypto/hashing';
import { IssuerJwtSigner } from './issuer-jwt.signer';

/** OpenID Connect Back-Channel Logout 1.0 §2.4: the `events` member a logout token carries. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** Back-Channel Logout 1.0 §2.4 (and RFC 8725 §3.11 explicit typing): `typ` of a logout token. */
export const LOGOUT_TOKEN_TYP = 'logout+jwt';
/**
 * Back-Channel Logout 1.0 §2.4 asks for a short `exp` ("two minutes or less is RECOMMENDED"):
 * each delivery attempt signs a fresh token, so a retry an hour later is still in time.
 */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;

export interface LogoutTokenInput {
  /** The client the token is for: its only audience. */
  readonly clientId: string;
  readonly sub: string;
  /** The `sid` of the ended login session (as in the client's ID tokens). */
  readonly sid: string;
  /** The alg of the client's ID tokens (absent: TOKEN_SIGNING_ALG). */
  readonly alg?: SigningAlg;
}

/** Signs Back-Channel Logout 1.0 logout tokens with the key and alg of the client's ID tokens (§2.4). */
@Injectable()
export class LogoutTokenService {
  constructor(private readonly signer: IssuerJwtSigner) {}

  sign(input: LogoutTokenInput): Promise<string> {
    // §2.4: never a `nonce` (a logout token must not be mistaken for an ID token).
    return this.signer.sign({ alg: input.alg, typ: LOGOUT_TOKEN_TYP }, (iat) => ({
      sid: input.sid,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      sub: input.sub,
      aud: input.clientId,
      exp: iat + LOGOUT_TOKEN_TTL_SECONDS,
      jti: randomToken(16),
    }));
  }
}
