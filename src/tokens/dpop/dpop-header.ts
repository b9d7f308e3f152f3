import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from '../../platform/http/http-exchange';

/**
 * The request's `DPoP` header (RFC 9449 §4.1), undefined when absent. Repeated headers arrive
 * joined by ", ", which no single proof contains: the verifier refuses them.
 */
export const DpopHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<HttpRequest>().headers.dpop as string | undefined,
);
