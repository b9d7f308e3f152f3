import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import {
  Conflict,
  InvalidRequest,
  NotFound,
  PreconditionFailed,
  PreconditionRequired,
  type ProtocolError,
} from '../../platform/errors/protocol-error';
import { AdminAuditTrail, refusalOf } from '../audit/admin-audit.service';
import { type AdminApiRequest, routeOf } from './admin-route-spec';

/**
 * The administration services refuse with the errors the CLI prints (AdminError, and the
 * accounts' UserAccountError), each saying what it is about; the admin API answers them in the
 * one error envelope: `400 invalid_request`, `404 not_found` or `409 conflict` with the same
 * message. Anything else goes on to the global filter (`500 server_error`, logged).
 *
 * A change refused by its If-Match check (`412`, `428`) never reached its service, whose audit
 * record says what a refusal was: it is recorded here, under the route's action, with the
 * request's parameters (its path's, and a session's `?user=`) as its targets.
 */
@Injectable()
export class AdminErrorsInterceptor implements NestInterceptor {
  constructor(private readonly audit: AdminAuditTrail) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof PreconditionFailed || error instanceof PreconditionRequired) {
          const refused = this.recorded(context, error);
          return from(refused).pipe(mergeMap(() => throwError(() => error)));
        }
        throw asProtocolError(error) ?? error;
      }),
    );
  }

  private async recorded(context: ExecutionContext, error: ProtocolError): Promise<void> {
    const route = routeOf(context);
    const request = context.switchToHttp().getRequest<AdminApiRequest>();
    if (route === undefined) return;
    await this.audit.refusedBefore(request.adminCall, route.action, targetsOf(request), error);
  }
}

/**
 * The change's path parameters (ids, never a secret), named as the audit records name them
 * (`clientId`: `client_id`), and a session's `?user=`. No other query parameter: whatever a
 * caller adds there is not the trail's to keep.
 */
function targetsOf(request: AdminApiRequest): Record<string, string> {
  const { user } = (request.query ?? {}) as Record<string, unknown>;
  const params = { ...(request.params as object), ...(typeof user === 'string' ? { user } : {}) };
  return Object.fromEntries(
    Object.entries(params)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([name, value]) => [
        name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
        value,
      ]),
  );
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
