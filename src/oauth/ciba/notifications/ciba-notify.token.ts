import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../../config/sections/server.config';
import { Clock } from '../../../platform/clock/clock';
import { randomToken } from '../../../platform/crypto/hashing';
import { APPROVALS_PAGE } from '../../../sessions/return-to';
import { signCompactJws } from '../../../tokens/compact-jws';
import { SigningKeyService } from '../../../tokens/signing-keys/signing-key.service';
import type { AnnouncedRequest } from './ciba-notification';

/** RFC 8725 §3.11 explicit typing: what the CIBA_NOTIFY_URL body is (never an ID token). */
export const CIBA_NOTIFY_TYP = 'ciba-notify+jwt';

/**
 * The JWT POSTed to CIBA_NOTIFY_URL, signed with the issuer's key (verifiable at /jwks): whom a
 * new request asks, for which client, its binding message and where to answer it. It expires
 * with the request. Never the auth_req_id: the receiver learns what to show, not what polls.
 */
@Injectable()
export class CibaNotifyToken {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly server: ServerConfig,
    private readonly clock: Clock,
  ) {}

  async sign(announced: AnnouncedRequest & { sub: string }): Promise<string> {
    const key = await this.keys.signingKey();
    const iat = this.clock.nowSeconds();
    return signCompactJws(
      { alg: key.alg, kid: key.kid, typ: CIBA_NOTIFY_TYP },
      {
        iss: this.server.issuer,
        sub: announced.sub,
        client_id: announced.clientId,
        client_name: announced.clientName,
        ...(announced.bindingMessage === undefined
          ? {}
          : { binding_message: announced.bindingMessage }),
        approvals_uri: `${this.server.issuer}${APPROVALS_PAGE}`,
        iat,
        exp: Math.max(announced.expiresAt, iat + 1),
        jti: randomToken(16),
      },
      key.privateKey,
    );
  }
}
