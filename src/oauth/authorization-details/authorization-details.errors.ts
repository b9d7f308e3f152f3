import { ProtocolError } from '../../platform/errors/protocol-error';

/**
 * RFC 9396 §5: `authorization_details` of an unknown type, not valid by its type's schema, of a
 * type the client did not register, or (token exchange) asking for more than was granted.
 */
export class InvalidAuthorizationDetails extends ProtocolError {
  readonly error = 'invalid_authorization_details';
  readonly status = 400;
}
