import { NotFound, ProtocolError } from '../platform/errors/protocol-error';

/**
 * A code or link that does not sign in: wrong, expired, used, spent by wrong attempts, or asked
 * for in another browser. One `error` for all of them (a client has nothing to tell apart), a
 * description a person can act on, and a bounded reason for the metrics.
 */
export class InvalidCode extends ProtocolError {
  readonly error = 'invalid_code';
  readonly status = 401;
}

/** EMAIL_LOGIN is off here (or there is no way for mail to leave). */
export class EmailLoginDisabled extends NotFound {
  constructor() {
    super('Sign-in by email is not enabled on this instance');
    this.because('email_login_disabled');
  }
}
