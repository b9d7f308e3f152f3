import type {
  AccountEmailChanged,
  AccountLockDownLifted,
  AccountLockedDown,
  PasswordChanged,
  SignInMethodLinked,
  SignInMethodUnlinked,
} from '../accounts/account.events';
import { methodTypeOf } from '../accounts/account';
import type { MethodType } from '../proofs/proof-vocabulary';
import type { LoginSessionEnded, SessionAssuranceRaised } from '../sessions/session.events';
import type { RefreshFamilyRevoked } from '../tokens/grants/grant.events';
import {
  ACCOUNT_DISABLED,
  ACCOUNT_ENABLED,
  ASSURANCE_LEVEL_CHANGE,
  CREDENTIAL_CHANGE,
  CREDENTIAL_COMPROMISE,
  IDENTIFIER_CHANGED,
  SESSION_REVOKED,
  TOKEN_CLAIMS_CHANGE,
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
  /** The SET's `sub_id` when the event names its own (RFC 9493); else `iss_sub` of `sub`. */
  readonly subject?: Readonly<Record<string, string>>;
}

/**
 * The endings an operator caused (CAEP 1.0 §3.1 `initiating_entity`): a lock-down, a revocation,
 * a sign-in method an operator removed (MethodRemoval); the rest, the user.
 */
const ADMIN_REASONS = new Set(['user_disabled', 'admin_revoked', 'method_removed_by_admin']);

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
 * CAEP 1.0 §3.3.1 `credential_type` of each sign-in method. The CAEP values where one fits: a
 * passkey's (passkeyCredentialType), `password`, `verifiable-credential` for an identity
 * credential (OpenID4VP). CAEP has none for the rest, and lets transmitter and receiver agree
 * others (docs/SHARED-SIGNALS.md says these): `wallet` (a blockchain account whose key signs a
 * SIWE/SIWS/SIWB message), `email` (an address a mailed code proves) and `federated` (an account
 * at an upstream identity provider).
 */
const CREDENTIAL_TYPES: Readonly<Record<Exclude<MethodType, 'passkey'>, string>> = {
  password: 'password',
  credential: 'verifiable-credential',
  wallet: 'wallet',
  email: 'email',
  upstream: 'federated',
};

export function credentialTypeOf(
  methodKey: string,
  passkey: { readonly transports: readonly string[] } | undefined,
): string | undefined {
  const type = methodTypeOf(methodKey);
  if (type === undefined) return undefined;
  return type === 'passkey'
    ? passkeyCredentialType(passkey?.transports ?? [])
    : CREDENTIAL_TYPES[type];
}

/**
 * CAEP 1.0 §3.3: a sign-in method added to or removed from an account (`create`, `delete`);
 * `initiating_entity` `admin` when an operator linked or removed it (CAEP 1.0 §2).
 */
export function credentialChange(
  changed: SignInMethodLinked | SignInMethodUnlinked,
  changeType: 'create' | 'delete',
): SignalCause | undefined {
  const credentialType = credentialTypeOf(changed.methodKey, changed.passkey);
  if (credentialType === undefined) return undefined;
  return {
    key: `credential-change:${changeType}:${changed.methodKey}:${changed.at.getTime()}`,
    sub: changed.sub,
    event: CREDENTIAL_CHANGE,
    members: {
      credential_type: credentialType,
      change_type: changeType,
      ...(changed.initiator === undefined ? {} : { initiating_entity: changed.initiator }),
    },
    at: changed.at,
  };
}

/** CAEP 1.0 §3.3: an operator replaced the account's password (`change_type` `update`). */
export function passwordUpdate(changed: PasswordChanged): SignalCause {
  return {
    key: `credential-change:update:${changed.methodKey}:${changed.at.getTime()}`,
    sub: changed.sub,
    event: CREDENTIAL_CHANGE,
    members: { credential_type: 'password', change_type: 'update', initiating_entity: 'admin' },
    at: changed.at,
  };
}

/**
 * CAEP 1.0 §3.5 `namespace` of Proofgate's levels: its OpenID Connect `acr` values (EAP's `phr`,
 * `phrh`, and `urn:proofgate:acr:1fa`), none of CAEP's listed scales; CAEP lets the two sides
 * agree one, and docs/SHARED-SIGNALS.md names it.
 */
export const ACR_NAMESPACE = 'OIDC-acr';

/** CAEP 1.0 §3.5: a step-up raised the `acr` of the browser's session (`increase`). */
export function assuranceLevelChange(raised: SessionAssuranceRaised): SignalCause {
  return {
    key: `assurance-level-change:${raised.sid}`,
    sub: raised.sub,
    event: ASSURANCE_LEVEL_CHANGE,
    members: {
      namespace: ACR_NAMESPACE,
      current_level: raised.current,
      ...(raised.previous !== undefined ? { previous_level: raised.previous } : {}),
      change_direction: 'increase',
    },
    at: raised.at,
  };
}

/**
 * What an account's email change tells: CAEP 1.0 §3.4 `token-claims-change` with the `email`
 * claim's new value (the ID tokens and userinfo of clients with the `email` scope carry it; an
 * address removed with none left gives no new value, and is not told), and RISC 1.0 §2.6
 * `identifier-changed` when one address took another's place, its subject the old address (RISC
 * asks an `email` subject holding the old value) and `new-value` the new one.
 */
export function emailChange(changed: AccountEmailChanged): SignalCause[] {
  const { sub, previous, current, at } = changed;
  if (current === undefined) return [];
  const claims: SignalCause = {
    key: `token-claims-change:email:${sub}:${at.getTime()}`,
    sub,
    event: TOKEN_CLAIMS_CHANGE,
    members: { claims: { email: current, email_verified: true } },
    at,
  };
  if (previous === undefined) return [claims];
  return [
    claims,
    {
      key: `identifier-changed:email:${sub}:${at.getTime()}`,
      sub,
      event: IDENTIFIER_CHANGED,
      members: { 'new-value': current },
      at,
      subject: { format: 'email', email: previous },
    },
  ];
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
 * word for a refresh token); the grant is revoked once, so its id is the cause. The client is not
 * named: every receiver of the account's signals gets the SET, and would learn which other apps
 * the person uses.
 */
export function credentialCompromise(revoked: RefreshFamilyRevoked): SignalCause {
  return {
    key: `credential-compromise:${revoked.grantId}`,
    sub: revoked.sub,
    event: CREDENTIAL_COMPROMISE,
    members: {
      credential_type: 'app',
      reason_admin: {
        en: 'A refresh token was used again after rotation: its grant was revoked',
      },
    },
    at: revoked.at,
  };
}
