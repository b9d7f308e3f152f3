import { ProtocolError } from '../../platform/errors/protocol-error';

/**
 * RFC 9101 §6.2 (which RFC 9126 §4 relies on): the `request_uri` is unknown, used, expired, or
 * pushed by another client. Shown as a page at /authorize: without the pushed request there is
 * no trustworthy redirect URI to send it to.
 */
export class InvalidRequestUri extends ProtocolError {
  readonly error = 'invalid_request_uri';
  readonly status = 400;
}
