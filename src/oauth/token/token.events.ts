import type { DomainEvent } from '../../platform/events/domain-events';

/** POST /token answered. */
export class TokenRequestCompleted implements DomainEvent {
  static readonly type = 'token.request.completed';
  readonly type = TokenRequestCompleted.type;
  constructor(
    /** A supported grant type, or `other` (never the client's string). */
    readonly grantType: string,
    /** `success`, or the RFC 6749 error code (`server_error` for anything unexpected). */
    readonly outcome: string,
    readonly seconds: number,
  ) {}
}
