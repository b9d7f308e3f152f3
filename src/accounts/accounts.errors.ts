import { AccessDenied, ProtocolError } from '../platform/errors/protocol-error';

/** The method (a wallet, a passkey) already signs in another account. */
export class MethodAlreadyLinked extends ProtocolError {
  readonly error = 'method_already_linked';
  readonly status = 409;
}

/** Removing the method would leave the account with no way to sign in. */
export class LastSignInMethod extends ProtocolError {
  readonly error = 'last_sign_in_method';
  readonly status = 409;
}

export class MethodNotLinked extends ProtocolError {
  readonly error = 'not_found';
  readonly status = 404;
}

/** The account lists as many methods as one may (MAX_METHODS_PER_ACCOUNT). */
export class TooManySignInMethods extends ProtocolError {
  readonly error = 'too_many_sign_in_methods';
  readonly status = 409;
}

/** Said to every sign-in of a disabled account, whichever method proved it. */
export const ACCOUNT_DISABLED =
  'This account is disabled: no sign-in method signs it in until an operator enables it again';

/**
 * The account is locked down by an operator (`proofgate-admin users disable`): one answer for
 * every method (password, wallet, passkey) and every way a login ends (a session, a grant).
 */
export class AccountDisabled extends AccessDenied {
  constructor() {
    super(ACCOUNT_DISABLED);
    this.because('account_disabled');
  }
}

/** Said to a sign-in whose method was removed from the account while it was signing in. */
export const METHOD_REMOVED =
  'This sign-in method was removed from the account while signing in; sign in with another one';

/**
 * The method that proved a sign-in is no longer listed on the account it signed in (its owner or
 * an operator removed it meanwhile): the session or grant that sign-in just wrote is undone.
 */
export class SignInMethodRemoved extends AccessDenied {
  constructor() {
    super(METHOD_REMOVED);
    this.because('method_removed');
  }
}
