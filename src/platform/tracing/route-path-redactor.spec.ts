import { RoutePathRedactor } from './route-path-redactor';

describe('RoutePathRedactor', () => {
  const redactor = new RoutePathRedactor([
    '/token',
    '/account/methods/password',
    '/account/methods/:method',
    '/challenge-models/:id',
    '/challenge-models/series',
  ]);

  it.each([
    ['/account/methods/wallet%3Aeip155%3A1%3A0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
    ['/account/methods/wallet:eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
    ['/account/methods/passkey%3Aq2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw/'],
    ['/ACCOUNT/methods/password%3Aalice'],
  ])('replaces the parameter of %s with its name', (path) => {
    expect(redactor.redact(path)).toEqual({
      path: '/account/methods/:method',
      route: '/account/methods/:method',
    });
  });

  it('keeps paths of routes without parameters, a static route before a parameter, and unknown paths', () => {
    expect(redactor.redact('/token')).toEqual({ path: '/token' });
    expect(redactor.redact('/challenge-models/series')).toEqual({
      path: '/challenge-models/series',
    });
    expect(redactor.redact('/challenge-models/pkce')).toEqual({
      path: '/challenge-models/:id',
      route: '/challenge-models/:id',
    });
    expect(redactor.redact('/account/methods/a/b')).toEqual({ path: '/account/methods/a/b' });
    expect(redactor.redact('/account/methods/')).toEqual({ path: '/account/methods/' });
  });
});
