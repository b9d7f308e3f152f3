import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { HttpResponse } from '../../platform/http/http-exchange';
import type { AdminCall } from '../audit/admin-audit';
import { checkIfMatch, etagOf } from './admin-etag';
import type { AdminApiRequest } from './admin-route-spec';

/**
 * What an admin API route needs of its request and response besides its parameters and body:
 * who calls (for the audit record its service writes), the version a change names, and the
 * answer's tag and location. HTTP stays here; the handler reads as the call it makes.
 */
export interface AdminExchange {
  readonly call: AdminCall;
  /**
   * Refuses the change (`428`, `412`) unless If-Match names `current`'s tag (checkIfMatch); with
   * `revision`, the tag of both (etagOf).
   */
  ifMatch(current: unknown, revision?: number): void;
  /** Answers `representation`'s tag (with `revision`'s) as ETag (RFC 9110 §8.8.3), returns it. */
  tagged<T>(representation: T, revision?: number): T;
  /** Where a new resource is (`Location`, RFC 9110 §10.2.2), its path segments encoded. */
  locate(...segments: string[]): void;
  /** A create that found the resource there already: `200`, not the route's `201`. */
  unchanged(): void;
}

export const Exchange = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AdminExchange => {
    const http = context.switchToHttp();
    const request = http.getRequest<AdminApiRequest>();
    const response = http.getResponse<HttpResponse>();
    const ifMatch = request.headers['if-match'];
    return {
      call: request.adminCall,
      ifMatch: (current, revision) => checkIfMatch(ifMatch, current, revision),
      tagged: (representation, revision) => {
        response.header('ETag', etagOf(representation, revision));
        return representation;
      },
      locate: (...segments) => {
        response.header('Location', `/admin/v1/${segments.map(encodeURIComponent).join('/')}`);
      },
      unchanged: () => {
        response.status(200);
      },
    };
  },
);
