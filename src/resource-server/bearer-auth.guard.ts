import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { type HttpRequest, type HttpResponse, requestPath } from '../platform/http/http-exchange';
import { DpopConfig } from '../config/sections/dpop.config';
import { ServerConfig } from '../config/sections/server.config';
import { InsufficientUserAuthentication, ProtocolError } from '../platform/errors/protocol-error';
import type { AccessTokenClaims } from '../tokens/access-token';
import { DpopResourceChallenge, inTokenScheme } from '../tokens/dpop/dpop.errors';
import { StepUpConfig } from '../config/sections/step-up.config';
import { unmetAcr } from '../protocol-rules/acr';
import { BearerTokenAuthenticator } from '../tokens/grants/grant-bearer.authenticator';
import { protectedResourceMetadataUrl } from './protected-resource-metadata.controller';

export type AuthenticatedRequest = HttpRequest & { accessToken: AccessTokenClaims };

/**
 * RFC 6750 bearer and RFC 9449 DPoP authentication for the protected API. With
 * API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED, only DPoP-bound tokens are accepted.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: BearerTokenAuthenticator,
    private readonly server: ServerConfig,
    private readonly dpop: DpopConfig,
    private readonly stepUp: StepUpConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      const { claims, grant, dpopNonce } = await this.authenticator.authenticate({
        authorization: request.headers.authorization,
        dpop: request.headers.dpop as string | undefined,
        method: request.method,
        path: requestPath(request),
      });
      if (this.dpop.requiredAtApi && claims.cnf === undefined) {
        throw new DpopResourceChallenge(
          'invalid_token',
          'This API accepts DPoP-bound access tokens only',
        );
      }
      // RFC 9449 §9: the next nonce, when the proof's was about to expire.
      if (dpopNonce !== undefined) http.getResponse<HttpResponse>().header('DPoP-Nonce', dpopNonce);
      const acr = unmetAcr({ ...claims, grantType: grant.grantType }, this.stepUp)?.acr;
      if (acr !== undefined) {
        const refusal = new InsufficientUserAuthentication(
          grant.grantType === undefined
            ? `This resource needs a login of acr ${acr} (a passkey sign-in); authorize again with acr_values=${acr}`
            : `This resource needs a login of acr ${acr} (a passkey sign-in), which a device grant never carries (RFC 8628 §5.4); authorize at /authorize with acr_values=${acr}`,
          { acrValues: acr },
        ).because('acr_unmet');
        throw inTokenScheme(claims, refusal);
      }
      request.accessToken = claims;
    } catch (error) {
      if (error instanceof ProtocolError) this.pointToMetadata(error);
      throw error;
    }
    return true;
  }

  /** RFC 9728 §5.1: a challenge names the resource's metadata, for clients to discover. */
  private pointToMetadata(error: ProtocolError): void {
    const challenge = error.headers['WWW-Authenticate'];
    if (!challenge?.startsWith('Bearer ') && !challenge?.startsWith('DPoP ')) return;
    // The issuer is a validated URL: no `"` or `\` to quote.
    error.headers['WWW-Authenticate'] =
      `${challenge}, resource_metadata="${protectedResourceMetadataUrl(this.server.issuer)}"`;
  }
}
