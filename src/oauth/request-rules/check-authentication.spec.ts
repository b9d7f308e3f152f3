import { InvalidRequest } from '../../platform/errors/protocol-error';
import { checkAuthentication, checkMaxAge, checkPrompt } from './check-authentication';

const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const none = { promptNone: false, promptLogin: false };

describe('checkAuthentication (OpenID Connect Core §3.1.2.1, RFC 9470)', () => {
  it('no session: the user signs in', () => {
    expect(checkAuthentication(null, none, NOW)).toEqual({ ok: false, reason: 'no_session' });
  });

  it('max_age: a sign-in no older passes; older (even by a moment, max_age=0) does not', () => {
    const required = { ...none, maxAge: 60 };
    expect(checkAuthentication({ sub: 'user1', authTime: ago(60) }, required, NOW)).toEqual({
      ok: true,
    });
    expect(checkAuthentication({ sub: 'user1', authTime: ago(61) }, required, NOW)).toEqual({
      ok: false,
      reason: 'max_age',
    });
    expect(
      checkAuthentication({ sub: 'user1', authTime: ago(0.2) }, { ...none, maxAge: 0 }, NOW),
    ).toEqual({
      ok: false,
      reason: 'max_age',
    });
  });

  it('prompt=login and max_age=0 are met by a sign-in since the request sent the user away', () => {
    const since = ago(30);
    for (const required of [
      { ...none, promptLogin: true },
      { ...none, maxAge: 0 },
    ]) {
      expect(
        checkAuthentication({ sub: 'user1', authTime: ago(10) }, required, NOW, since),
      ).toEqual({
        ok: true,
      });
      expect(
        checkAuthentication({ sub: 'user1', authTime: ago(31) }, required, NOW, since).ok,
      ).toBe(false);
      expect(checkAuthentication({ sub: 'user1', authTime: ago(10) }, required, NOW).ok).toBe(
        false,
      );
    }
  });

  it('acr: phr is met by a phr session only, whatever its age', () => {
    const required = { ...none, acr: 'phr' as const };
    expect(checkAuthentication({ sub: 'user1', authTime: ago(5) }, required, NOW)).toEqual({
      ok: false,
      reason: 'acr',
    });
    expect(
      checkAuthentication({ sub: 'user1', authTime: ago(5000), acr: 'phr' }, required, NOW),
    ).toEqual({
      ok: true,
    });
  });

  it('a voluntary acr (acr_values) is offered once: after the sign-in page it sent the user to, whatever was achieved goes on', () => {
    const required = { ...none, preferredAcr: 'phr' as const };
    const password = { sub: 'user1', authTime: ago(5), acr: 'urn:proofgate:acr:1fa' };
    expect(checkAuthentication(password, required, NOW)).toEqual({
      ok: false,
      reason: 'preferred_acr',
    });
    expect(checkAuthentication(password, required, NOW, ago(30))).toEqual({ ok: true });
    expect(checkAuthentication({ ...password, acr: 'phr' }, required, NOW)).toEqual({ ok: true });
    // prompt=none shows no page to offer it on: the request goes on at once.
    expect(checkAuthentication(password, { ...required, promptNone: true }, NOW)).toEqual({
      ok: true,
    });
  });

  it('claims sub value (Core §5.5.1): another signed-in user is not an answer', () => {
    const required = { ...none, sub: 'user0' };
    expect(checkAuthentication({ sub: 'user1', authTime: ago(5) }, required, NOW)).toEqual({
      ok: false,
      reason: 'sub',
    });
    expect(checkAuthentication({ sub: 'user0', authTime: ago(5) }, required, NOW)).toEqual({
      ok: true,
    });
  });
});

describe('checkPrompt and checkMaxAge', () => {
  it('reads none and login; none with another value, or an unknown value, is invalid_request', () => {
    expect(checkPrompt(undefined)).toEqual({ none: false, login: false });
    expect(checkPrompt('login consent')).toEqual({ none: false, login: true });
    expect(checkPrompt('none')).toEqual({ none: true, login: false });
    expect(() => checkPrompt('none login')).toThrow(InvalidRequest);
    expect(() => checkPrompt('sometimes')).toThrow('Unsupported prompt value: sometimes');
  });

  it('max_age is a non-negative whole number of seconds', () => {
    expect(checkMaxAge(undefined)).toBeUndefined();
    expect(checkMaxAge('0')).toBe(0);
    expect(checkMaxAge('300')).toBe(300);
    for (const bad of ['-1', '1.5', 'soon', '1e3']) {
      expect(() => checkMaxAge(bad)).toThrow('max_age must be a non-negative integer');
    }
  });
});
