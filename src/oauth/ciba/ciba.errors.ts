import { ProtocolError } from '../../platform/errors/protocol-error';

/** CIBA Core 1.0 §13: a `binding_message` the server will not show (too long, not plain text). */
export class InvalidBindingMessage extends ProtocolError {
  readonly error = 'invalid_binding_message';
  readonly status = 400;
}

/**
 * A session alone may not approve this request: it carries `authorization_details`, which only a
 * fresh proof over the exact request approves (issue #51: a passkey or a wallet signature).
 */
export class ApprovalProofRequired extends ProtocolError {
  readonly error = 'proof_required';
  readonly status = 403;
}

/** No login session behind a JSON request of the approvals page (OpenID Connect Core §3.1.2.6's word). */
export class LoginRequired extends ProtocolError {
  readonly error = 'login_required';
  readonly status = 401;
}
