import { domainEvent } from '../../platform/events/domain-events';

/** POST /token answered. */
export class TokenRequestCompleted extends domainEvent('token.request.completed') {
  constructor(
    /** A supported grant type, or `other` (never the client's string). */
    readonly grantType: string,
    /** `success`, or the RFC 6749 error code (`server_error` for anything unexpected). */
    readonly outcome: string,
    readonly seconds: number,
  ) {
    super();
  }
}
