import { domainEvent } from '../platform/events/domain-events';
import type { PasskeyCredential } from './account';

/**
 * What changed about an account, for those who tell others (issue #80: the Shared Signals
 * transmitter queues its Security Event Tokens on these). Emitted with `emitAndWait`, before the
 * change's request answers, so a subscriber that persists something (an outbox row) has done so
 * by then; ids and method keys only, never a secret.
 */

/** An operator locked the account down (it was not locked before). */
export class AccountLockedDown extends domainEvent('account.locked_down') {
  constructor(
    readonly sub: string,
    readonly at: Date,
  ) {
    super();
  }
}

/** An operator lifted the account's lock-down (it was locked before). */
export class AccountLockDownLifted extends domainEvent('account.lock_down_lifted') {
  constructor(
    readonly sub: string,
    readonly at: Date,
  ) {
    super();
  }
}

/**
 * Who made a change (CAEP 1.0 §2 `initiating_entity`): `admin`, an operator (proofgate-admin, the
 * admin API); `user`, the account's owner.
 */
export type ChangeInitiator = 'admin' | 'user';

/**
 * The base of a sign-in method's change on an account: the method's key, a passkey's record, and
 * who made it (`initiator`: `admin` when an operator linked or removed it; absent: told as before).
 */
function methodChange<T extends string>(type: T) {
  return class extends domainEvent(type) {
    constructor(
      readonly sub: string,
      readonly methodKey: string,
      readonly at: Date,
      /** A passkey's record: what its authenticator said of itself. */
      readonly passkey?: Pick<PasskeyCredential, 'transports' | 'deviceType'>,
      readonly initiator?: ChangeInitiator,
    ) {
      super();
    }
  };
}

/** A sign-in method was added to the account (not one it already listed). */
export class SignInMethodLinked extends methodChange('account.method_linked') {}

/** A sign-in method was removed from the account. */
export class SignInMethodUnlinked extends methodChange('account.method_unlinked') {}

/** The password of the account was replaced (an operator set it), the method itself kept. */
export class PasswordChanged extends domainEvent('account.password_changed') {
  constructor(
    readonly sub: string,
    readonly methodKey: string,
    readonly at: Date,
  ) {
    super();
  }
}

/**
 * The account's email address, as its `email` claim gives it (the first address it verified),
 * changed: one was added first, or the first removed. `previous` / `current` undefined: none.
 */
export class AccountEmailChanged extends domainEvent('account.email_changed') {
  constructor(
    readonly sub: string,
    readonly previous: string | undefined,
    readonly current: string | undefined,
    readonly at: Date,
  ) {
    super();
  }
}
