import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import {
  Conflict,
  InvalidRequest,
  NotFound,
  PreconditionFailed,
  type ProtocolError,
} from '../../platform/errors/protocol-error';
import { refusalOf } from '../audit/admin-audit.service';

/**
 * The administration services refuse with the errors the CLI prints (AdminError, and the
 * accounts' UserAccountError), each saying what it is about; the admin API answers them in the
 * one error envelope: `400 invalid_request`, `404 not_found` or `409 conflict` with the same
 * message. Anything else goes on to the global filter (`500 server_error`, logged).
 */
@Injectable()
export class AdminErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        throw asProtocolError(error) ?? error;
      }),
    );
  }
}

export function asProtocolError(error: unknown): ProtocolError | undefined {
  const refusal = refusalOf(error);
  if (refusal === undefined) return undefined;
  const message = (error as Error).message;
  if (refusal === 'not_found') return new NotFound(message);
  if (refusal === 'conflict') return new Conflict(message);
  if (refusal === 'stale') return new PreconditionFailed(message);
  return new InvalidRequest(message);
}
