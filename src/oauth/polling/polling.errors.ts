import { ProtocolError } from '../../platform/errors/protocol-error';

// RFC 8628 §3.5: the token endpoint's answers while a polled authorization is not redeemable (a
// device code; CIBA Core §11 reuses them for an auth_req_id).
// All 400, as RFC 6749 §5.2's errors are.

/** The user has not answered yet: poll again after `interval`. */
export class AuthorizationPending extends ProtocolError {
  readonly error = 'authorization_pending';
  readonly status = 400;
}

/** Polled before `interval` passed: the interval grows by 5 seconds. */
export class SlowDown extends ProtocolError {
  readonly error = 'slow_down';
  readonly status = 400;
}

/** The user denied the request. */
export class DeviceAccessDenied extends ProtocolError {
  readonly error = 'access_denied';
  readonly status = 400;
}

/** The device code expired: start a new device authorization. */
export class ExpiredToken extends ProtocolError {
  readonly error = 'expired_token';
  readonly status = 400;
}
