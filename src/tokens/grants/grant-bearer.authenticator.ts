import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { InvalidToken, ProtocolError } from '../../platform/errors/protocol-error';
import { AccessTokenService } from '../access-token.service';
import type { AccessTokenClaims } from '../access-token';
import { GrantRepository } from './grant.repository';

/** RFC 6750 §3: no credentials at all is a bare challenge, without an error code. */
export class BearerTokenMissing extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 401;
  constructor() {
    super('A bearer access token is required');
    this.headers['WWW-Authenticate'] = 'Bearer realm="proofgate"';
  }
}

/**
 * Authenticates a protected-resource request: a valid JWT access token (signature, typ, iss,
 * aud, exp) whose grant is live and which was not revoked on its own.
 */
@Injectable()
export class BearerTokenAuthenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AccessTokenClaims> {
    if (!authorization) throw new BearerTokenMissing();
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization.trim());
    if (!match) throw new InvalidToken('The Authorization header must be "Bearer <token>"');
    const claims = await this.accessTokens.verify(match[1]);
    return this.checkActive(claims);
  }

  /** Signature-valid claims are active only while their grant is and the jti is not revoked. */
  private async checkActive(claims: AccessTokenClaims): Promise<AccessTokenClaims> {
    if (!(await this.grants.isAccessTokenActive(claims.gid, claims.jti, this.clock.now()))) {
      throw new InvalidToken('The access token has been revoked');
    }
    return claims;
  }
}
