import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  type HttpRequest,
  type HttpResponse,
  requestPath,
} from '../../platform/http/http-exchange';
import type { PresentedToken } from './grant-bearer.authenticator';

/**
 * The access token a request presents, with what a DPoP proof of it must match (RFC 9449 §7),
 * and the way to hand a DPoP nonce back (§9): for routes that authenticate the bearer
 * themselves (the account and passkey endpoints).
 */
export const PresentedAccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PresentedToken => {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const dpop = request.headers.dpop;
    return {
      authorization: request.headers.authorization,
      dpop: typeof dpop === 'string' ? dpop : undefined,
      method: request.method,
      path: requestPath(request),
      sendDpopNonce: (nonce) => {
        context.switchToHttp().getResponse<HttpResponse>().header('DPoP-Nonce', nonce);
      },
    };
  },
);
