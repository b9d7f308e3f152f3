import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  applyDecorators,
  Header,
  UseGuards,
  createParamDecorator,
} from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ClientRegistry } from '../../clients/client-registry.service';
import { ServerConfig } from '../../config/sections/server.config';
import {
  InsufficientScope,
  ProtocolError,
  namingResourceMetadata,
} from '../../platform/errors/protocol-error';
import { clientAddress } from '../../platform/http/client-address';
import type { HttpRequest, HttpResponse } from '../../platform/http/http-exchange';
import { ApiBearerProtected } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { SSF_SCOPE, ssfAudience, ssfResourceMetadataUrl } from '../../protocol-rules/ssf';
import { inTokenScheme } from '../../tokens/dpop/dpop.errors';
import { BearerTokenAuthenticator } from '../../tokens/grants/grant-bearer.authenticator';
import { presentedTokenOf } from '../../tokens/grants/presented-token.decorator';
import { SSF_PER_IP, SSF_PER_RECEIVER } from './ssf.rate-limits';

type ReceiverRequest = HttpRequest & { ssfReceiver?: string };

/**
 * Who may call the stream management API (SSF 1.0 §8, `authorization_schemes` OAuth 2.0): a live
 * access token of Proofgate's own for `<ISSUER>/ssf` (verified as the admin API's are, DPoP-bound
 * ones with their proof) carrying the `ssf` scope, which only a receiver client gets. No token or
 * a bad one: `401`; a token without the scope: `403 insufficient_scope`. The receiver is the
 * token's client: it sees and changes its own streams only. Then the rate limits of the caller's
 * address and of the receiver, in one count, as the admin API's (AdminApiGuard): a refused call
 * counts against its address alone (RATE_LIMIT_SSF_PER_IP), a long poll is one call.
 */
@Injectable()
export class SsfReceiverGuard implements CanActivate {
  constructor(
    private readonly authenticator: BearerTokenAuthenticator,
    private readonly server: ServerConfig,
    private readonly limiter: RateLimiter,
    private readonly clients: ClientRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<ReceiverRequest>();
    const ipKey = `ip:${clientAddress(request)}`;
    let receiver: string;
    try {
      receiver = await this.receiverOf(request, http.getResponse<HttpResponse>());
    } catch (error) {
      if (error instanceof ProtocolError) {
        // RFC 9728 §5.1: where a receiver learns the authorization server and the `ssf` scope.
        namingResourceMetadata(error, ssfResourceMetadataUrl(this.server.issuer));
        // Past the address's limit, the limit's 429 is the answer rather than the refusal.
        await this.limiter.charge(SSF_PER_IP, ipKey, 'closed');
      }
      throw error;
    }
    await this.limiter.hit(
      [
        { rule: SSF_PER_IP, key: ipKey },
        { rule: SSF_PER_RECEIVER, key: `ssf-receiver:${receiver}` },
      ],
      'closed',
    );
    request.ssfReceiver = receiver;
    return true;
  }

  /**
   * The receiver client of the request's token, or the refusal (401, 403). A client no longer
   * marked a receiver (OAUTH_CLIENTS' `ssf_receiver` taken away) is refused the scope at once,
   * whatever its live tokens say.
   */
  private async receiverOf(request: ReceiverRequest, response: HttpResponse): Promise<string> {
    const { claims } = await this.authenticator.authenticateWithScope(
      { ...presentedTokenOf(request, response), audience: ssfAudience(this.server.issuer) },
      SSF_SCOPE,
    );
    const client = await this.clients.find(claims.client_id);
    if (client?.ssfReceiver !== true) {
      const refusal = new InsufficientScope(
        `This client may no longer have the scope ${SSF_SCOPE}`,
        SSF_SCOPE,
      );
      throw inTokenScheme(claims, refusal);
    }
    return claims.client_id;
  }
}

/** A route of the stream management API: a receiver's token, and no caching of the answer. */
export const ReceiverRoute = () =>
  applyDecorators(
    Header('Cache-Control', 'no-store'),
    UseGuards(SsfReceiverGuard),
    ApiBearerProtected({
      unauthorized: 'No token, or one that is not a live token for <ISSUER>/ssf',
      forbidden: 'insufficient_scope: the call needs the ssf scope',
    }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto }),
  );

/** The receiver client the guard authenticated. */
export const Receiver = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const receiver = context.switchToHttp().getRequest<ReceiverRequest>().ssfReceiver;
  if (receiver === undefined) throw new Error('A receiver route without its guard');
  return receiver;
});
