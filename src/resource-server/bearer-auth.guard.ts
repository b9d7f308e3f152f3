import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Refusal } from '@proofgate/resource-server';
import type { HttpRequest, HttpResponse } from '../platform/http/http-exchange';
import { ProtocolError } from '../platform/errors/protocol-error';
import type { AccessTokenClaims } from '../tokens/access-token';
import { ApiResourceServer, type ApiRequest } from './api-resource-server';

export type AuthenticatedRequest = HttpRequest & { accessToken: AccessTokenClaims };

/**
 * RFC 6750 bearer and RFC 9449 DPoP authentication for the protected API: the resource-server
 * package's verdict (ApiResourceServer), answered as the service answers every refusal.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly api: ApiResourceServer) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const presented: ApiRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      rawHeaders: request.raw.rawHeaders,
    };
    const verdict = await this.api.core.authenticate(presented);
    if (!verdict.ok) throw new ResourceRefusal(verdict);
    // RFC 9449 §9: the next nonce, when the proof's was about to expire.
    const response = http.getResponse<HttpResponse>();
    for (const [name, value] of Object.entries(verdict.headers)) response.header(name, value);
    if (!presented.accessToken) throw new Error('The API check admitted a token it did not read');
    request.accessToken = presented.accessToken;
    return true;
  }
}

/** The package's refusal (status, challenge, body), thrown for the one error filter to answer. */
class ResourceRefusal extends ProtocolError {
  readonly error: string;
  readonly status: number;

  constructor(refusal: Refusal) {
    super(refusal.body.error_description);
    this.error = refusal.body.error;
    this.status = refusal.status;
    Object.assign(this.headers, refusal.headers);
  }
}
