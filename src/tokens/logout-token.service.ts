import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../config/sections/server.config';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { Clock } from '../platform/clock/clock';
import { randomToken } from '../platform/crypto/hashing';
import { signCompactJws } from './compact-jws';
import { SigningKeyService } from './signing-keys/signing-key.service';

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
  constructor(
    private readonly keys: SigningKeyService,
    private readonly server: ServerConfig,
    private readonly clock: Clock,
  ) {}

  async sign(input: LogoutTokenInput): Promise<string> {
    const key = await this.keys.signingKey(input.alg);
    const iat = this.clock.nowSeconds();
    // §2.4: never a `nonce` (a logout token must not be mistaken for an ID token).
    return signCompactJws(
      { alg: key.alg, kid: key.kid, typ: LOGOUT_TOKEN_TYP },
      {
        sid: input.sid,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        iss: this.server.issuer,
        sub: input.sub,
        aud: input.clientId,
        iat,
        exp: iat + LOGOUT_TOKEN_TTL_SECONDS,
        jti: randomToken(16),
      },
      key.privateKey,
    );
  }
}
