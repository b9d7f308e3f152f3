import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from './http-exchange';

/**
 * The request's Authorization header, for handlers that authenticate from it. Unlike
 * `@Headers('authorization')` it adds no header parameter to the OpenAPI description: the
 * operation's security scheme documents it, and Swagger UI sends it from "Authorize".
 */
export const AuthorizationHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<HttpRequest>().headers.authorization,
);
