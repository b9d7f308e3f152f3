import { backchannelLogoutUriProblem } from './backchannel-logout-uri';

describe('backchannelLogoutUriProblem (Back-Channel Logout 1.0 §2.2)', () => {
  it.each([
    'https://rp.example/logout',
    'https://rp.example/logout?tenant=a',
    'https://rp.example:8443/bcl',
  ])('accepts %s anywhere', (uri) => {
    expect(backchannelLogoutUriProblem(uri, true)).toBeUndefined();
    expect(backchannelLogoutUriProblem(uri, false)).toBeUndefined();
  });

  it.each(['http://127.0.0.1:7000/logout', 'http://localhost/logout', 'http://[::1]:9/x'])(
    'accepts %s outside production only',
    (uri) => {
      expect(backchannelLogoutUriProblem(uri, false)).toBeUndefined();
      expect(backchannelLogoutUriProblem(uri, true)).toBe('must use https');
    },
  );

  it.each([
    ['https://rp.example/logout#x', 'must not contain a fragment'],
    ['https://user@rp.example/logout', 'must not contain userinfo'],
    ['http://rp.example/logout', 'may use http only on a loopback host'],
    ['javascript:alert(1)', 'must use https'],
    ['https://RP.example/logout', 'must be written in normalised form'],
    ['/relative', 'must be absolute URIs'],
    [`https://rp.example/${'a'.repeat(2000)}`, 'must be at most 2000 characters'],
  ])('refuses %s', (uri, problem) => {
    expect(backchannelLogoutUriProblem(uri, false)).toContain(problem);
  });
});
