import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from './http-exchange';

/**
 * The parsed request body as it came (`unknown`), past the global validation pipe, for a handler
 * whose protocol defines its own validation and error codes and reads the body with a typed
 * parser of its own. Document the body with `@ApiBody({ type: SomeDto })`.
 */
export const RawBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<HttpRequest>().body,
);
