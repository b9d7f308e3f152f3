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

/**
 * The request's scope or resource needs `phr` (ACR_REQUIRED_BY_*): only a passkey's proof over it
 * approves it; a click in a session or a wallet's signature achieves less (RFC 9470's classes).
 */
export class PasskeyRequired extends ProtocolError {
  readonly error = 'passkey_required';
  readonly status = 403;
}

/** No login session behind a JSON request of the approvals page (OpenID Connect Core §3.1.2.6's word). */
export class LoginRequired extends ProtocolError {
  readonly error = 'login_required';
  readonly status = 401;
}

/** An approval's proof names no live challenge of this request (unknown, expired or superseded). */
export class InvalidApprovalChallenge extends ProtocolError {
  readonly error = 'invalid_challenge';
  readonly status = 401;
}

/** An approval's challenge was spent already: a replayed proof. */
export class ApprovalChallengeUsed extends ProtocolError {
  readonly error = 'challenge_already_used';
  readonly status = 401;
}

/** The wallet named is not one of the signed-in account's (or not of a chain this server accepts). */
export class WalletNotLinked extends ProtocolError {
  readonly error = 'wallet_not_linked';
  readonly status = 403;
}

/** The account has no passkey to approve with. */
export class NoPasskey extends ProtocolError {
  readonly error = 'no_passkey';
  readonly status = 403;
}

/** A passkey approval whose authenticator did not verify the user (UV flag), or not the account's passkey. */
export class ApprovalPasskeyRefused extends ProtocolError {
  readonly error = 'invalid_credential_response';
  readonly status = 401;
}
