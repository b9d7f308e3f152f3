import type { LoginSession } from './session';
import { amrOfSignIn } from './session-amr';

const WINDOW = 600;
const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const PASSKEY = { sub: 'user0', authMethod: 'passkey', amr: ['pop', 'user'] } as const;
const PASSWORD = { sub: 'user0', authMethod: 'password' } as const;
const WALLET = { sub: 'user0', authMethod: 'siwe' } as const;

/** The live session a sign-in of `identity` at `at` leaves, with `previous` before it. */
function session(
  identity: typeof PASSKEY | typeof PASSWORD | typeof WALLET,
  at: Date,
  previous: LoginSession | null = null,
): LoginSession {
  const { amr, signIns } = amrOfSignIn(identity, at, previous, WINDOW);
  return {
    sid: 'sid',
    sub: identity.sub,
    authMethod: identity.authMethod,
    authTime: at,
    expiresAt: new Date(at.getTime() + 3_600_000),
    amr,
    signIns,
  };
}

describe('amrOfSignIn (RFC 8176, ACCOUNT_RECENT_LOGIN_SECONDS)', () => {
  it('a first sign-in names its own method only', () => {
    expect(amrOfSignIn(PASSWORD, NOW, null, WINDOW)).toEqual({
      amr: ['pwd'],
      signIns: [{ authMethod: 'password', amr: ['pwd'], at: NOW }],
    });
  });

  it('a session proven on another device lends nothing: the sign-in on this device stands alone', () => {
    const relayed = { ...session(WALLET, ago(60)), crossDevice: true };
    expect(amrOfSignIn(PASSWORD, NOW, relayed, WINDOW)).toEqual({
      amr: ['pwd'],
      signIns: [{ authMethod: 'password', amr: ['pwd'], at: NOW }],
    });
  });

  it('another method of the same account within the window: both, and mfa', () => {
    const passkey = session(PASSKEY, ago(WINDOW));
    expect(amrOfSignIn(PASSWORD, NOW, passkey, WINDOW).amr).toEqual(['pop', 'user', 'pwd', 'mfa']);
  });

  it('a password long after a passkey names the password alone: auth_time is the password’s', () => {
    const passkey = session(PASSKEY, ago(WINDOW + 1));
    expect(amrOfSignIn(PASSWORD, NOW, passkey, WINDOW)).toEqual({
      amr: ['pwd'],
      signIns: [{ authMethod: 'password', amr: ['pwd'], at: NOW }],
    });
  });

  it('drops the part of a combination older than the window, keeps the recent one', () => {
    // Password, then a wallet 500 s later (mfa), then a passkey 500 s after that.
    const password = session(PASSWORD, ago(1000));
    const wallet = session(WALLET, ago(500), password);
    expect(wallet.amr).toEqual(['pwd', 'siwe', 'mfa']);
    expect(amrOfSignIn(PASSKEY, NOW, wallet, WINDOW).amr).toEqual(['siwe', 'pop', 'user', 'mfa']);
  });

  it('the same method again, or another account, replaces what was there', () => {
    const passkey = session(PASSKEY, ago(10));
    expect(amrOfSignIn({ ...PASSKEY, amr: ['pop'] }, NOW, passkey, WINDOW).amr).toEqual(['pop']);
    expect(amrOfSignIn({ ...PASSWORD, sub: 'user1' }, NOW, passkey, WINDOW).amr).toEqual(['pwd']);
  });

  it('a session from before sign-ins were kept counts as its own sign-in at its authTime', () => {
    const legacy: LoginSession = {
      sid: 'sid',
      sub: 'user0',
      authMethod: 'passkey',
      authTime: ago(60),
      expiresAt: NOW,
      amr: ['pop', 'user'],
    };
    expect(amrOfSignIn(PASSWORD, NOW, legacy, WINDOW).amr).toEqual(['pop', 'user', 'pwd', 'mfa']);
    expect(amrOfSignIn(PASSWORD, NOW, { ...legacy, authTime: ago(601) }, WINDOW).amr).toEqual([
      'pwd',
    ]);
    // A combination's parts have unknown times: only the method's default is sure.
    const combined = { ...legacy, authMethod: 'siwe' as const, amr: ['pop', 'siwe', 'mfa'] };
    expect(amrOfSignIn(PASSWORD, NOW, combined, WINDOW).amr).toEqual(['siwe', 'pwd', 'mfa']);
  });
});
