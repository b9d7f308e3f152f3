import { ProtocolError } from '../../platform/errors/protocol-error';

/** Another user signs in with the username asked for. */
export class UsernameTaken extends ProtocolError {
  readonly error = 'username_taken';
  readonly status = 409;
}

/** The account has a password already (its own, or one it set): one per account. */
export class PasswordAlreadySet extends ProtocolError {
  readonly error = 'password_already_set';
  readonly status = 409;
}
