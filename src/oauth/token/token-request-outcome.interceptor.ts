import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable, tap } from 'rxjs';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { DomainEvents } from '../../platform/events/domain-events';
import { SUPPORTED_GRANT_TYPES } from './grant-handler';
import { TokenRequestCompleted } from './token.events';

/**
 * Reports how every POST /token ended, including requests refused before the endpoint runs
 * (content type, repeated or malformed parameters are the pipe's and interceptor's refusals).
 */
@Injectable()
export class TokenRequestOutcomeInterceptor implements NestInterceptor {
  constructor(private readonly events: DomainEvents) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = performance.now();
    const body = context.switchToHttp().getRequest<Request>().body as
      Record<string, unknown> | undefined;
    const grantType = body?.grant_type;
    // Known grant types, else "other" (never the client's string).
    const label =
      typeof grantType === 'string' && SUPPORTED_GRANT_TYPES.includes(grantType)
        ? grantType
        : 'other';
    const done = (outcome: string) =>
      this.events.emit(
        new TokenRequestCompleted(label, outcome, (performance.now() - started) / 1000),
      );
    return next.handle().pipe(
      tap({
        next: () => done('success'),
        error: (error: unknown) =>
          done(error instanceof ProtocolError ? error.error : 'server_error'),
      }),
    );
  }
}
