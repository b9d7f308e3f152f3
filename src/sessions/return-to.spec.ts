import { DEFAULT_RETURN_TO, RETURN_TO_MAX_LENGTH, safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it.each([
    '/authorize?response_type=code&client_id=demo&code_challenge=abc_-~.%2F',
    '/authorize?',
    '/device',
    '/device?user_code=WDJB-MJHT',
    '/device?user_code=wdjb%20mjht',
    '/device?user_code=WDJB-MJHT&ui_locales=es',
    '/device?ui_locales=de',
    '/account/approvals?ui_locales=fr',
    '/account',
    '/account?ui_locales=de',
  ])(
    'keeps an authorization request, the device, account or approvals page on this server: %s',
    (value) => {
      expect(safeReturnTo(value)).toBe(value);
    },
  );

  it.each([
    ['missing', undefined],
    ['null, as JSON may send it', null],
    ['empty', ''],
    ['the default itself', '/'],
    ['an absolute URL', 'https://evil.example/authorize?x=1'],
    ['a scheme-relative URL', '//evil.example/authorize?x=1'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a backslash later on', '/authorize?x=\\y'],
    ['another path', '/health'],
    ['a look-alike path', '/authorize/../token?x=1'],
    ['a path without the query', '/authorize'],
    ['a longer path', '/authorizex?x=1'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a header injection', '/authorize?x=1\r\nSet-Cookie: a=b'],
    ['spaces', '/authorize?x= 1'],
    ['non-ASCII', '/authorize?x=é'],
    ['a leading space', ' /authorize?x=1'],
    ['the device page with another parameter', '/device?return_to=//evil.example'],
    ['the device page with a path after it', '/device/../token'],
    ['the device page with a language and more', '/device?ui_locales=de&return_to=//evil.example'],
    ['the device page with a language that is no tag', '/device?ui_locales=de%0d%0a'],
    ['the approvals page with another parameter', '/account/approvals?x=//evil.example'],
    ['the account page with another parameter', '/account?x=//evil.example'],
    ['the account page with a language and more', '/account?ui_locales=de&x=1'],
    ['another page below the account page', '/account/passkeys?ui_locales=de'],
    ['an over-long value', `/authorize?x=${'a'.repeat(RETURN_TO_MAX_LENGTH)}`],
  ])('replaces %s with the default', (_label, value) => {
    expect(safeReturnTo(value)).toBe(DEFAULT_RETURN_TO);
  });
});
