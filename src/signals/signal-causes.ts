import type {
  AccountLockDownLifted,
  AccountLockedDown,
  SignInMethodLinked,
  SignInMethodUnlinked,
} from '../accounts/account.events';
import { methodTypeOf } from '../accounts/account';
import type { LoginSessionEnded } from '../sessions/session.events';
import type { RefreshFamilyRevoked } from '../tokens/grants/grant.events';
import {
  ACCOUNT_DISABLED,
  ACCOUNT_ENABLED,
  CREDENTIAL_CHANGE,
  CREDENTIAL_COMPROMISE,
  SESSION_REVOKED,
} from './ssf-events';

/**
 * One cause of Security Event Tokens: the account it is about, its event and that event's members
 * (never a token, code, password or secret), when it happened, and its key: the same cause told
 * twice (an ending finished again by the sweep) has the same key, and gives each stream one SET.
 */
export interface SignalCause {
  readonly key: string;
  readonly sub: string;
  readonly event: string;
  readonly members: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** The endings an operator caused (CAEP 1.0 §3.1 `initiating_entity`); the rest, the user. */
const ADMIN_REASONS = new Set(['user_disabled', 'admin_revoked']);

/** CAEP 1.0 §3.1: a login session ended, whoever ended it; one SET per session. */
export function sessionRevoked(ended: LoginSessionEnded): SignalCause {
  return {
    key: `session-revoked:${ended.sid}`,
    sub: ended.sub,
    event: SESSION_REVOKED,
    members: {
      initiating_entity: ADMIN_REASONS.has(ended.reason) ? 'admin' : 'user',
      reason_admin: { en: ended.reason },
    },
    at: ended.at,
  };
}

/**
 * CAEP 1.0 §3.3 `credential_type` of a passkey: `fido2-platform` when its authenticator said it is
 * built into the device (transport `internal`), else `fido2-roaming` (a security key, or a phone
 * over `hybrid`).
 */
export function passkeyCredentialType(transports: readonly string[]): string {
  return transports.includes('internal') ? 'fido2-platform' : 'fido2-roaming';
}

/**
 * CAEP 1.0 §3.3: a passkey added to or removed from an account (`change_type` `create` or
 * `delete`); undefined for the other methods (a later step of issue #80 tells them too).
 */
export function credentialChange(
  changed: SignInMethodLinked | SignInMethodUnlinked,
  changeType: 'create' | 'delete',
): SignalCause | undefined {
  if (methodTypeOf(changed.methodKey) !== 'passkey') return undefined;
  return {
    key: `credential-change:${changeType}:${changed.methodKey}:${changed.at.getTime()}`,
    sub: changed.sub,
    event: CREDENTIAL_CHANGE,
    members: {
      credential_type: passkeyCredentialType(changed.passkey?.transports ?? []),
      change_type: changeType,
    },
    at: changed.at,
  };
}

/** RISC 1.0 §2.3: an operator locked the account down. */
export function accountDisabled(locked: AccountLockedDown): SignalCause {
  return {
    key: `account-disabled:${locked.sub}:${locked.at.getTime()}`,
    sub: locked.sub,
    event: ACCOUNT_DISABLED,
    members: {},
    at: locked.at,
  };
}

/** RISC 1.0 §2.4: an operator lifted the lock-down. */
export function accountEnabled(lifted: AccountLockDownLifted): SignalCause {
  return {
    key: `account-enabled:${lifted.sub}:${lifted.at.getTime()}`,
    sub: lifted.sub,
    event: ACCOUNT_ENABLED,
    members: {},
    at: lifted.at,
  };
}

/**
 * RISC 1.0 §2.7: a refresh token presented again after rotation, its family revoked (RFC 9700
 * §4.14.2). `credential_type` `app`: a credential an application holds (CAEP 1.0 §3.3 has no
 * word for a refresh token); the grant is revoked once, so its id is the cause.
 */
export function credentialCompromise(revoked: RefreshFamilyRevoked): SignalCause {
  return {
    key: `credential-compromise:${revoked.grantId}`,
    sub: revoked.sub,
    event: CREDENTIAL_COMPROMISE,
    members: {
      credential_type: 'app',
      reason_admin: {
        en: `A refresh token of client ${revoked.clientId} was used again after rotation: its grant was revoked`,
      },
    },
    at: revoked.at,
  };
}
