import { ProtocolError } from '../../platform/errors/protocol-error';

/**
 * RFC 9101 §6.2 (which RFC 9126 §4 relies on): the `request_uri` is unknown, used, expired, or
 * pushed by another client: shown as a page at /authorize, since without the pushed request there
 * is no trustworthy redirect URI to send it to. Or (OpenID Connect Core §6.2) a URL the client did
 * not register in `request_uris`, or whose request object could not be fetched: sent to the
 * query's redirect URI when that one is registered (AuthorizationEndpoint.unread).
 */
export class InvalidRequestUri extends ProtocolError {
  readonly error = 'invalid_request_uri';
  readonly status = 400;
}
