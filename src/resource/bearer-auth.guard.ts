import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AccessTokenClaims } from '../tokens/access-token';
import { BearerTokenAuthenticator } from '../tokens/grants/grant-bearer.authenticator';

export type AuthenticatedRequest = Request & { accessToken: AccessTokenClaims };

/** RFC 6750 bearer authentication for the protected API. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly authenticator: BearerTokenAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.accessToken = await this.authenticator.authenticate(request.headers.authorization);
    return true;
  }
}
