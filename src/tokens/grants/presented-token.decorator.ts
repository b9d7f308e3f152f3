import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  type HttpRequest,
  type HttpResponse,
  requestPath,
} from '../../platform/http/http-exchange';
import type { PresentedToken } from './grant-bearer.authenticator';

/**
 * The access token `request` presents, with what a DPoP proof of it must match (RFC 9449 §7),
 * and the way to hand a DPoP nonce back on `response` (§9).
 */
export function presentedTokenOf(request: HttpRequest, response: HttpResponse): PresentedToken {
  const dpop = request.headers.dpop;
  return {
    authorization: request.headers.authorization,
    dpop: typeof dpop === 'string' ? dpop : undefined,
    method: request.method,
    path: requestPath(request),
    sendDpopNonce: (nonce) => {
      response.header('DPoP-Nonce', nonce);
    },
  };
}

/**
 * `presentedTokenOf` as a handler's parameter: for routes that authenticate the bearer
 * themselves (the account and passkey endpoints).
 */
export const PresentedAccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PresentedToken => {
    const http = context.switchToHttp();
    return presentedTokenOf(http.getRequest<HttpRequest>(), http.getResponse<HttpResponse>());
  },
);
