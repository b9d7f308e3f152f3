import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { ProtocolError } from '../platform/errors/protocol-error';
import type { AccessTokenClaims } from '../tokens/access-token';
import { BearerTokenAuthenticator } from '../tokens/grants/grant-bearer.authenticator';
import { protectedResourceMetadataUrl } from './protected-resource-metadata.controller';

export type AuthenticatedRequest = Request & { accessToken: AccessTokenClaims };

/** RFC 6750 bearer authentication for the protected API. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: BearerTokenAuthenticator,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      request.accessToken = await this.authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof ProtocolError) this.pointToMetadata(error);
      throw error;
    }
    return true;
  }

  /** RFC 9728 §5.1: a Bearer challenge names the resource's metadata, for clients to discover. */
  private pointToMetadata(error: ProtocolError): void {
    const challenge = error.headers['WWW-Authenticate'];
    if (!challenge?.startsWith('Bearer ')) return;
    // The issuer is a validated URL: no `"` or `\` to quote.
    error.headers['WWW-Authenticate'] =
      `${challenge}, resource_metadata="${protectedResourceMetadataUrl(this.config.issuer)}"`;
  }
}
