import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { InvalidRequest } from '../errors/protocol-error';

/**
 * Refuses a request whose body is not of the given media type, with `400 invalid_request`.
 * An interceptor rather than a guard: it runs before the validation pipe looks at the body, and
 * outer interceptors (an endpoint's request metrics) still see the refusal.
 */
export class RequireContentType implements NestInterceptor {
  constructor(
    private readonly type: string,
    private readonly description: string,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!context.switchToHttp().getRequest<Request>().is(this.type)) {
      throw new InvalidRequest(this.description);
    }
    return next.handle();
  }
}
