import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../../config/sections/server.config';
import { randomToken } from '../../../platform/crypto/hashing';
import { APPROVALS_PAGE } from '../../../sessions/return-to';
import { IssuerJwtSigner } from '../../../tokens/issuer-jwt.signer';
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
    private readonly signer: IssuerJwtSigner,
    private readonly server: ServerConfig,
  ) {}

  sign(announced: AnnouncedRequest & { sub: string }): Promise<string> {
    return this.signer.sign({ typ: CIBA_NOTIFY_TYP }, (iat) => ({
      sub: announced.sub,
      client_id: announced.clientId,
      client_name: announced.clientName,
      ...(announced.bindingMessage === undefined
        ? {}
        : { binding_message: announced.bindingMessage }),
      approvals_uri: `${this.server.issuer}${APPROVALS_PAGE}`,
      exp: Math.max(announced.expiresAt, iat + 1),
      jti: randomToken(16),
    }));
  }
}
