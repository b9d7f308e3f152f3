import {
  AccountEmailChanged,
  AccountLockDownLifted,
  AccountLockedDown,
  PasswordChanged,
  SignInMethodLinked,
  SignInMethodUnlinked,
} from '../accounts/account.events';
import { LoginSessionEnded, SessionAssuranceRaised } from '../sessions/session.events';
import { RefreshFamilyRevoked } from '../tokens/grants/grant.events';
import { setClaims, verificationClaims } from './set-claims';
import {
  accountDisabled,
  accountEnabled,
  assuranceLevelChange,
  credentialChange,
  credentialCompromise,
  emailChange,
  passkeyCredentialType,
  passwordUpdate,
  sessionRevoked,
} from './signal-causes';
import {
  ACCOUNT_DISABLED,
  ACCOUNT_ENABLED,
  ASSURANCE_LEVEL_CHANGE,
  CREDENTIAL_CHANGE,
  CREDENTIAL_COMPROMISE,
  IDENTIFIER_CHANGED,
  SESSION_REVOKED,
  TOKEN_CLAIMS_CHANGE,
  VERIFICATION,
  eventsDelivered,
} from './ssf-events';

const AT = new Date('2026-11-28T12:00:00.000Z');
const LATER = new Date('2026-11-28T12:05:00.000Z');
const PASSKEY = 'passkey:AbCdEf012345';

describe('the cause of each SET (CAEP 1.0, RISC 1.0)', () => {
  describe('session-revoked (CAEP 1.0 §3.1)', () => {
    it.each([
      ['logout', 'user'],
      ['signed_out_everywhere', 'user'],
      ['method_removed', 'user'],
      ['method_removed_by_admin', 'admin'],
      ['user_disabled', 'admin'],
      ['admin_revoked', 'admin'],
    ])('an ending for %s is initiated by the %s', (reason, entity) => {
      const cause = sessionRevoked(new LoginSessionEnded('user0', 'sid-1', reason, AT));
      expect(cause).toEqual({
        key: 'session-revoked:sid-1',
        sub: 'user0',
        event: SESSION_REVOKED,
        members: { initiating_entity: entity, reason_admin: { en: reason } },
        at: AT,
      });
    });

    it('keys the cause by the session alone: the same ending finished again is the same cause', () => {
      const first = sessionRevoked(new LoginSessionEnded('user0', 'sid-1', 'logout', AT));
      const again = sessionRevoked(new LoginSessionEnded('user0', 'sid-1', 'logout', LATER));
      const other = sessionRevoked(new LoginSessionEnded('user0', 'sid-2', 'logout', AT));
      expect(again.key).toBe(first.key);
      expect(other.key).not.toBe(first.key);
    });
  });

  describe('credential-change (CAEP 1.0 §3.3)', () => {
    it.each([
      [['internal'], 'fido2-platform'],
      [['internal', 'hybrid'], 'fido2-platform'],
      [['usb', 'nfc'], 'fido2-roaming'],
      [['hybrid'], 'fido2-roaming'],
      [[], 'fido2-roaming'],
    ])('a passkey with transports %j is %s', (transports, type) => {
      expect(passkeyCredentialType(transports)).toBe(type);
    });

    it('tells a passkey added as create and removed as delete, each its own cause', () => {
      const passkey = { transports: ['internal'], deviceType: 'multiDevice' as const };
      const added = credentialChange(
        new SignInMethodLinked('user0', PASSKEY, AT, passkey),
        'create',
      );
      const removed = credentialChange(
        new SignInMethodUnlinked('user0', PASSKEY, LATER, passkey),
        'delete',
      );
      expect(added).toMatchObject({
        sub: 'user0',
        event: CREDENTIAL_CHANGE,
        members: { credential_type: 'fido2-platform', change_type: 'create' },
        at: AT,
      });
      expect(removed).toMatchObject({
        members: { credential_type: 'fido2-platform', change_type: 'delete' },
        at: LATER,
      });
      expect(removed!.key).not.toBe(added!.key);
    });

    it('names each other method by its credential_type: the CAEP value where one fits, else the documented one', () => {
      const typeOf = (methodKey: string) =>
        credentialChange(new SignInMethodLinked('user0', methodKey, AT), 'create')?.members
          .credential_type;
      expect(typeOf('password:ada')).toBe('password');
      expect(typeOf('credential:c2VjcmV0LWhhc2g')).toBe('verifiable-credential');
      expect(typeOf('eip155:1:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')).toBe('wallet');
      expect(typeOf('email:ada@example.com')).toBe('email');
      expect(typeOf('upstream:corp:12345')).toBe('federated');
      expect(typeOf('no-such-method')).toBeUndefined();
    });

    it("tells a method an operator linked or removed as initiated by an admin; the owner's as before", () => {
      const wallet = 'eip155:1:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
      const linked = credentialChange(
        new SignInMethodLinked('user0', wallet, AT, undefined, 'admin'),
        'create',
      );
      const removed = credentialChange(
        new SignInMethodUnlinked('user0', 'password:user0', LATER, undefined, 'admin'),
        'delete',
      );
      const own = credentialChange(new SignInMethodUnlinked('user0', wallet, LATER), 'delete');
      expect(linked?.members).toEqual({
        credential_type: 'wallet',
        change_type: 'create',
        initiating_entity: 'admin',
      });
      expect(removed?.members).toEqual({
        credential_type: 'password',
        change_type: 'delete',
        initiating_entity: 'admin',
      });
      expect(own?.members).toEqual({ credential_type: 'wallet', change_type: 'delete' });
    });

    it("tells an operator's new password as change_type update, initiated by an admin", () => {
      expect(passwordUpdate(new PasswordChanged('user0', 'password:user0', AT))).toEqual({
        key: `credential-change:update:password:user0:${AT.getTime()}`,
        sub: 'user0',
        event: CREDENTIAL_CHANGE,
        members: { credential_type: 'password', change_type: 'update', initiating_entity: 'admin' },
        at: AT,
      });
    });
  });

  describe('an email change (CAEP token-claims-change, RISC identifier-changed)', () => {
    it('tells a first address as the email claim only: nothing was replaced', () => {
      const causes = emailChange(new AccountEmailChanged('acct', undefined, 'ada@example.com', AT));
      expect(causes.map((cause) => [cause.event, cause.members])).toEqual([
        [TOKEN_CLAIMS_CHANGE, { claims: { email: 'ada@example.com', email_verified: true } }],
      ]);
    });

    it('tells an address that took the place of another as identifier-changed, its subject the old address', () => {
      const causes = emailChange(
        new AccountEmailChanged('acct', 'ada@example.com', 'lovelace@example.com', AT),
      );
      expect(causes).toHaveLength(2);
      const changed = causes.find((cause) => cause.event === IDENTIFIER_CHANGED)!;
      expect(changed.members).toEqual({ 'new-value': 'lovelace@example.com' });
      const claims = setClaims('https://issuer.example', 'rp', changed, LATER);
      expect(claims.sub_id).toEqual({ format: 'email', email: 'ada@example.com' });
    });

    it('tells nothing when the last address went (no new value to give)', () => {
      expect(
        emailChange(new AccountEmailChanged('acct', 'ada@example.com', undefined, AT)),
      ).toEqual([]);
    });
  });

  it('tells a step-up as assurance-level-change, increase, in the OIDC-acr namespace, once per new session', () => {
    const cause = assuranceLevelChange(
      new SessionAssuranceRaised('user0', 'sid-1', 'urn:proofgate:acr:1fa', 'phr', AT),
    );
    expect(cause).toEqual({
      key: 'assurance-level-change:sid-1',
      sub: 'user0',
      event: ASSURANCE_LEVEL_CHANGE,
      members: {
        namespace: 'OIDC-acr',
        current_level: 'phr',
        previous_level: 'urn:proofgate:acr:1fa',
        change_direction: 'increase',
      },
      at: AT,
    });
  });

  it('tells a lock-down and its lifting as RISC account-disabled and account-enabled, each lock-down its own cause', () => {
    const disabled = accountDisabled(new AccountLockedDown('user0', AT));
    const enabled = accountEnabled(new AccountLockDownLifted('user0', AT));
    expect(disabled).toMatchObject({ sub: 'user0', event: ACCOUNT_DISABLED, members: {}, at: AT });
    expect(enabled).toMatchObject({ sub: 'user0', event: ACCOUNT_ENABLED, members: {}, at: AT });
    expect(accountDisabled(new AccountLockedDown('user0', LATER)).key).not.toBe(disabled.key);
    expect(enabled.key).not.toBe(disabled.key);
  });

  it('tells a refresh token family revoked for reuse as RISC credential-compromise, keyed by its grant, naming no token and no client', () => {
    const cause = credentialCompromise(new RefreshFamilyRevoked('user0', 'billing', 'grant-7', AT));
    expect(cause).toEqual({
      key: 'credential-compromise:grant-7',
      sub: 'user0',
      event: CREDENTIAL_COMPROMISE,
      members: {
        credential_type: 'app',
        reason_admin: {
          en: 'A refresh token was used again after rotation: its grant was revoked',
        },
      },
      at: AT,
    });
    // Every receiver of the account's signals gets it: which other app the person uses is not theirs.
    expect(JSON.stringify(cause)).not.toContain('billing');
  });
});

describe('the SET claims (RFC 8417 §2.2, SSF 1.0 §4)', () => {
  it('names the issuer, the receiver, the account as iss_sub and one event with its timestamp', () => {
    const cause = sessionRevoked(new LoginSessionEnded('user0', 'sid-1', 'logout', AT));
    expect(setClaims('https://auth.example', 'risk-engine', cause, LATER)).toEqual({
      iss: 'https://auth.example',
      iat: LATER.getTime() / 1000,
      aud: 'risk-engine',
      sub_id: { format: 'iss_sub', iss: 'https://auth.example', sub: 'user0' },
      events: {
        [SESSION_REVOKED]: {
          event_timestamp: AT.getTime() / 1000,
          initiating_entity: 'user',
          reason_admin: { en: 'logout' },
        },
      },
    });
  });

  it('names the stream as the subject of its verification SET, with the state when one was given', () => {
    expect(
      verificationClaims('https://auth.example', 'risk-engine', 'stream-1', 'abc', AT),
    ).toMatchObject({
      sub_id: { format: 'opaque', id: 'stream-1' },
      events: { [VERIFICATION]: { state: 'abc' } },
    });
    expect(
      verificationClaims('https://auth.example', 'risk-engine', 'stream-1', undefined, AT).events,
    ).toEqual({ [VERIFICATION]: {} });
  });
});

describe('eventsDelivered (SSF 1.0 §8.1.1)', () => {
  it('delivers the requested events this transmitter supports, in its order; an unknown one is dropped', () => {
    expect(
      eventsDelivered([
        ACCOUNT_ENABLED,
        'https://example.com/unknown',
        SESSION_REVOKED,
        SESSION_REVOKED,
      ]),
    ).toEqual([SESSION_REVOKED, ACCOUNT_ENABLED]);
    expect(eventsDelivered([])).toEqual([]);
  });
});
