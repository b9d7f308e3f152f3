/**
 * RFC 6750 §3 challenges must parse: `WWW-Authenticate` is `Bearer` followed by auth-params
 * (RFC 9110 §11.2), each value a token or a quoted-string, and `error_description` may use only
 * %x20-21 / %x23-5B / %x5D-7E: no `"` and no `\` at all, not even escaped.
 */
import { useTestApp } from '../../support/use-test-app';

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const QUOTED_STRING =
  '"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*"';
const AUTH_PARAM = `${TOKEN}[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED_STRING})`;
const CHALLENGE = new RegExp(`^(${TOKEN})(?: +(${AUTH_PARAM}(?:[ \\t]*,[ \\t]*${AUTH_PARAM})*))?$`);
/** RFC 6750 §3: the characters allowed in error and error_description values. */
const RFC6750_VALUE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** The scheme and the auth-params of one challenge; throws if the header does not parse. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const match = CHALLENGE.exec(header);
  if (!match) throw new Error(`WWW-Authenticate does not parse: ${header}`);
  const params: Record<string, string> = {};
  const param = new RegExp(`(${TOKEN})[ \\t]*=[ \\t]*(?:(${TOKEN})|(${QUOTED_STRING}))`, 'g');
  for (const [, name, token, quoted] of (match[2] ?? '').matchAll(param)) {
    params[name.toLowerCase()] = token ?? quoted.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return { scheme: match[1], params };
}

describe('WWW-Authenticate on GET /api/me (RFC 6750 §3)', () => {
  const t = useTestApp();

  const resourceMetadata = () =>
    `${t.config.server.issuer}/.well-known/oauth-protected-resource/api`;

  it.each([
    ['an invalid JWT', 'Bearer not.a.jwt'],
    [
      'a token of another server',
      'Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo',
    ],
  ])('answers %s with a challenge that parses', async (_label, authorization) => {
    const res = await t.http().get('/api/me').set('Authorization', authorization).expect(401);

    const header = String(res.headers['www-authenticate']);
    const { scheme, params } = parseChallenge(header);
    expect(scheme).toBe('Bearer');
    expect(params).toMatchObject({
      realm: 'proofgate',
      error: 'invalid_token',
      // RFC 9728 §5.1
      resource_metadata: resourceMetadata(),
    });
    expect(params.error_description).toMatch(RFC6750_VALUE);
    expect(params.error_description.length).toBeGreaterThan(10);
    expect(res.body).toMatchObject({ error: 'invalid_token' });
  });

  it.each([
    ['Bearer with two values', 'Bearer abc def'],
    ['a token outside RFC 6750 §2.1 b64token', 'Bearer ab"c'],
    ['Bearer and no token', 'Bearer'],
    ['two spaces', 'Bearer  abc'],
  ])(
    'answers %s as a malformed request (RFC 6750 §3.1): 400 invalid_request, not a token to replace',
    async (_label, authorization) => {
      const res = await t.http().get('/api/me').set('Authorization', authorization).expect(400);
      const { scheme, params } = parseChallenge(String(res.headers['www-authenticate']));
      expect(scheme).toBe('Bearer');
      expect(params).toMatchObject({
        error: 'invalid_request',
        resource_metadata: resourceMetadata(),
      });
      // The header's description keeps its meaning in the RFC 6750 §3 subset.
      expect(params.error_description).toBe(
        "The Authorization header must be 'Bearer <token>' or 'DPoP <token>'",
      );
      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description: 'The Authorization header must be "Bearer <token>" or "DPoP <token>"',
      });
    },
  );

  it('answers another scheme (Basic) as no credentials: the bare challenge, no error code (RFC 6750 §3.1)', async () => {
    const res = await t
      .http()
      .get('/api/me')
      .set('Authorization', 'Basic dXNlcjpwYXNz')
      .expect(401);
    const { scheme, params } = parseChallenge(String(res.headers['www-authenticate']));
    expect(scheme).toBe('Bearer');
    expect(params).toEqual({ realm: 'proofgate', resource_metadata: resourceMetadata() });
    const none = await t.http().get('/api/me').expect(401);
    expect(res.headers['www-authenticate']).toBe(none.headers['www-authenticate']);
    expect(res.body).toEqual(none.body);
  });
});

describe('the Authorization header at /userinfo (RFC 6750 §3.1)', () => {
  const t = useTestApp();

  it('answers a malformed Bearer header 400 invalid_request, another scheme the bare challenge', async () => {
    const malformed = await t.http().get('/userinfo').set('Authorization', 'Bearer abc def');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: 'invalid_request',
      error_description: 'The Authorization header must be "Bearer <token>" or "DPoP <token>"',
    });
    expect(parseChallenge(String(malformed.headers['www-authenticate'])).params.error).toBe(
      'invalid_request',
    );
    const basic = await t.http().get('/userinfo').set('Authorization', 'Basic dXNlcjpwYXNz');
    const none = await t.http().get('/userinfo');
    expect(basic.status).toBe(401);
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="proofgate"');
    expect(basic.body).toEqual(none.body);
  });
});
