import { backchannelLogoutUriProblem } from './backchannel-logout-uri';

const strict = { allowPrivate: false };
const allowPrivate = { allowPrivate: true };

describe('backchannelLogoutUriProblem (Back-Channel Logout 1.0 §2.2)', () => {
  it.each([
    'https://rp.example/logout',
    'https://rp.example/logout?tenant=a',
    'https://rp.example:8443/bcl',
  ])('accepts %s anywhere', (uri) => {
    expect(backchannelLogoutUriProblem(uri, strict)).toBeUndefined();
    expect(backchannelLogoutUriProblem(uri, allowPrivate)).toBeUndefined();
  });

  it.each([
    'http://127.0.0.1:7000/logout',
    'http://localhost/logout',
    'http://[::1]:9/x',
    'http://10.1.2.3:8080/logout',
    'http://192.168.1.20/bcl',
    'http://172.16.0.9/bcl',
    'http://[fd00::5]/bcl',
  ])('accepts %s only with BACKCHANNEL_LOGOUT_ALLOW_PRIVATE', (uri) => {
    expect(backchannelLogoutUriProblem(uri, allowPrivate)).toBeUndefined();
    expect(backchannelLogoutUriProblem(uri, strict)).toBe('must use https');
  });

  it.each([
    // A host name's addresses are not known at registration: https, even on a private network.
    'http://rp.internal/logout',
    'http://rp.example/logout',
    'http://8.8.8.8/logout',
    'http://169.254.169.254/latest',
    'http://100.64.0.1/logout',
  ])('refuses http to %s even with BACKCHANNEL_LOGOUT_ALLOW_PRIVATE', (uri) => {
    expect(backchannelLogoutUriProblem(uri, allowPrivate)).toContain(
      'may use http only on a loopback host or a private IP address',
    );
  });

  it.each([
    ['https://rp.example/logout#x', 'must not contain a fragment'],
    ['https://user@rp.example/logout', 'must not contain userinfo'],
    ['javascript:alert(1)', 'must use https'],
    ['https://RP.example/logout', 'must be written in normalised form'],
    ['/relative', 'must be absolute URIs'],
    [`https://rp.example/${'a'.repeat(2000)}`, 'must be at most 2000 characters'],
  ])('refuses %s', (uri, problem) => {
    expect(backchannelLogoutUriProblem(uri, allowPrivate)).toContain(problem);
    expect(backchannelLogoutUriProblem(uri, strict)).toContain(problem);
  });
});
