import { readCookie, readCookies, usesSecureCookies } from './cookies';

const withCookie = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } });

describe('readCookie', () => {
  it('finds a cookie among others', () => {
    expect(readCookie(withCookie('a=1; pg_session=abc_-9; b=2'), 'pg_session')).toBe('abc_-9');
  });

  it('does not match a cookie whose name only ends with the wanted one', () => {
    expect(readCookie(withCookie('xpg_session=evil'), 'pg_session')).toBeUndefined();
  });

  it('returns the first of repeated cookies (the most specific path)', () => {
    expect(readCookie(withCookie('pg_csrf=first; pg_csrf=second'), 'pg_csrf')).toBe('first');
  });

  it('decodes percent-encoding and strips quotes', () => {
    expect(readCookie(withCookie('n="a%20b"'), 'n')).toBe('a b');
  });

  it('answers undefined without a header, for a missing cookie and for bad encoding', () => {
    expect(readCookie(withCookie(), 'n')).toBeUndefined();
    expect(readCookie(withCookie('other=1'), 'n')).toBeUndefined();
    expect(readCookie(withCookie('n=%E0%A4%A'), 'n')).toBeUndefined();
  });
});

describe('readCookies', () => {
  it('answers every value of a repeated name in header order, an undecodable one as undefined', () => {
    expect(readCookies(withCookie('s=1; t=2; s=3; s=%E0%A4%A'), 's')).toEqual([
      '1',
      '3',
      undefined,
    ]);
    expect(readCookies(withCookie('xs=1'), 's')).toEqual([]);
    expect(readCookies(withCookie(), 's')).toEqual([]);
  });
});

describe('usesSecureCookies', () => {
  it('is true for an https issuer only', () => {
    expect(usesSecureCookies({ issuer: 'https://auth.example.test' })).toBe(true);
    expect(usesSecureCookies({ issuer: 'http://localhost:25000' })).toBe(false);
  });
});
