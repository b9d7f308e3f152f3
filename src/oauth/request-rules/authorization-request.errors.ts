import { ProtocolError } from '../../platform/errors/protocol-error';

/**
 * OpenID Connect Core §3.1.2.6: `prompt=none`, and the user would have to sign in (no session, a
 * session older than `max_age`, or `prompt=none` could not be honoured otherwise). Sent to the
 * client's redirect URI, never shown.
 */
export class LoginRequired extends ProtocolError {
  readonly error = 'login_required';
  readonly status = 400;
}

/** OpenID Connect Core §3.1.2.6: `prompt=none`, and the user would have to consent. */
export class ConsentRequired extends ProtocolError {
  readonly error = 'consent_required';
  readonly status = 400;
}

/**
 * OpenID Connect Unmet Authentication Requirements 1.0: the session's authentication does not
 * meet the `acr` the request demands (`phr`), and `prompt=none` forbids asking for a new one.
 */
export class UnmetAuthenticationRequirements extends ProtocolError {
  readonly error = 'unmet_authentication_requirements';
  readonly status = 400;
}

/**
 * RFC 9101 §6.3 / OpenID Connect Core §3.1.2.6: the request object (`request`) is invalid: not a
 * JWT, not signed as the client must sign, a signature that does not verify, or claims that do
 * not hold (`iss`, `aud`, `client_id`, `exp`, `nbf`, `iat`). At /authorize a page: the redirect
 * URI is in the object, which cannot be trusted; at /par the 400 answer.
 */
export class InvalidRequestObject extends ProtocolError {
  readonly error = 'invalid_request_object';
  readonly status = 400;
}
