import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { HttpRequest } from '../../platform/http/http-exchange';

/**
 * The request's `DPoP` header (RFC 9449 §4.1), undefined when absent. Repeated headers arrive
 * joined by ", ", which no single proof contains: the verifier refuses them.
 */
export const DpopHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<HttpRequest>().headers.dpop as string | undefined,
);

/** The optional `DPoP` header of an endpoint that binds what it issues to the proof's key. */
export function ApiDpopHeader(description: string): MethodDecorator {
  return ApiHeader({
    name: 'DPoP',
    required: false,
    description,
    example:
      'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIn19.eyJodG0iOiJQT1NUIn0.c2lnbmF0dXJl',
  });
}
