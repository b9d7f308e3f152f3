import { parseClaimsRequest } from './claims-request';

const parsed = (claims: unknown) => parseClaimsRequest(JSON.stringify(claims));

describe('parseClaimsRequest (OpenID Connect Core §5.5)', () => {
  it('reads the claims about the user asked for in the ID token and at userinfo, null or with essential, whatever scope releases them', () => {
    expect(
      parsed({
        userinfo: { name: { essential: true }, updated_at: null, email: null, phone_number: null },
        id_token: { preferred_username: null, auth_time: { essential: true }, birthdate: null },
      }),
    ).toEqual({
      ok: true,
      request: {
        idToken: ['preferred_username', 'birthdate'],
        userinfo: ['name', 'updated_at', 'email'],
      },
    });
  });

  it('reads the id_token acr request (values or value) and a sub value', () => {
    expect(parsed({ id_token: { acr: { essential: true, values: ['phr'] } } })).toEqual({
      ok: true,
      request: { idToken: [], userinfo: [], acr: { essential: true, values: ['phr'] } },
    });
    expect(parsed({ id_token: { acr: { value: 'phr' }, sub: { value: 'user0' } } })).toEqual({
      ok: true,
      request: {
        idToken: [],
        userinfo: [],
        acr: { essential: false, values: ['phr'] },
        sub: 'user0',
      },
    });
    expect(parsed({ id_token: { acr: null } })).toMatchObject({
      request: { acr: { essential: false } },
    });
  });

  it('ignores members and claims it does not know, and a prototype-named claim is only a name', () => {
    expect(parsed({ vp_token: {}, userinfo: { __proto__: null, constructor: null } })).toEqual({
      ok: true,
      request: { idToken: [], userinfo: [] },
    });
    expect(parseClaimsRequest('{"id_token":{"__proto__":{"essential":true}}}')).toEqual({
      ok: true,
      request: { idToken: [], userinfo: [] },
    });
  });

  it.each([
    ['not JSON', '{"userinfo":', 'claims is not valid JSON'],
    [
      'a member named twice',
      '{"id_token":{"acr":{"essential":false,"essential":true}}}',
      'claims names member "essential" twice',
    ],
    ['an array', '[]', 'claims must be a JSON object'],
    ['a string', '"name"', 'claims must be a JSON object'],
    [
      'a member not an object',
      '{"userinfo":["name"]}',
      'claims member userinfo must be a JSON object',
    ],
    [
      'a claim neither null nor an object',
      '{"userinfo":{"name":true}}',
      'claims userinfo.name must be null or a JSON object',
    ],
    [
      'essential not a boolean',
      '{"id_token":{"acr":{"essential":"yes"}}}',
      'claims id_token.acr essential must be true or false',
    ],
    [
      'values not an array',
      '{"id_token":{"acr":{"values":"phr"}}}',
      'claims id_token.acr values must be an array',
    ],
    [
      'acr values not strings',
      '{"id_token":{"acr":{"values":[1]}}}',
      'claims id_token.acr values must be strings',
    ],
    [
      'a sub value not a string',
      '{"id_token":{"sub":{"value":7}}}',
      'claims id_token.sub value must be a string',
    ],
  ])('refuses %s', (_, claims, problem) => {
    expect(parseClaimsRequest(claims)).toEqual({ ok: false, problem });
  });

  it('refuses a parameter longer than it stores', () => {
    const long = JSON.stringify({ userinfo: { name: null, pad: 'x'.repeat(5000) } });
    expect(parseClaimsRequest(long)).toEqual({
      ok: false,
      problem: 'claims is longer than 4096 characters',
    });
  });
});
