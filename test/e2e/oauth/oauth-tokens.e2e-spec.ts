import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { createTestApp } from '../../support/test-app';
import { basic, obtainCode, tokensFor, getMe, useLoggedInApp } from '../../support/oauth';
import { sample } from '../../support/metrics';
import { expectRefusal } from '../../support/refusal';
import { placeInWindow } from '../../support/rate-limit-window';

describe('token endpoint client authentication, revocation, introspection and /api/me', () => {
  const t = useLoggedInApp();

  const tokens = () => tokensFor(t.app.getHttpServer(), t.agent);
  const form = (path: string) => t.http().post(path).type('form');

  describe('POST /token client authentication (RFC 6749 §2.3, §5.2)', () => {
    it('accepts client_secret_post', async () => {
      const { code, verifier } = await obtainCode(t.agent);
      await form('/token')
        .send({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: 'http://localhost:25001/callback',
          client_id: 'demo-client',
          client_secret: 'demo-secret',
        })
        .expect(200);
    });

    it.each([
      [
        'a wrong secret',
        { Authorization: basic('demo-client', 'wrong') },
        {},
        'Client authentication failed',
      ],
      [
        'an unknown client',
        { Authorization: basic('nobody', 'x') },
        {},
        'Client authentication failed',
      ],
      ['no credentials', {}, {}, 'Client authentication is required'],
      [
        'a confidential client without secret',
        {},
        { client_id: 'demo-client' },
        'Client authentication is required',
      ],
      [
        'a public client with a secret',
        {},
        { client_id: 'demo-spa', client_secret: 'x' },
        'Public clients authenticate with method "none"',
      ],
      [
        'a malformed Basic header',
        { Authorization: 'Basic !!!' },
        {},
        'Malformed Basic client authentication',
      ],
    ])(
      'answers %s with 401 invalid_client and WWW-Authenticate',
      async (_w, headers, body, description) => {
        const res = await form('/token')
          .set(headers)
          .send({ grant_type: 'refresh_token', refresh_token: 'x', ...body });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic realm="proofgate"/);
        expect(res.body).toEqual({ error: 'invalid_client', error_description: description });
      },
    );

    it('rejects an unsupported grant type, a missing one, JSON bodies and repeated parameters', async () => {
      const auth = basic('demo-client', 'demo-secret');
      const password = await form('/token')
        .set('Authorization', auth)
        .send({ grant_type: 'password' });
      expect(password.body).toEqual({
        error: 'unsupported_grant_type',
        error_description: 'Unsupported grant_type: password',
      });
      const missing = await form('/token').set('Authorization', auth).send({});
      expect(missing.body).toEqual({
        error: 'invalid_request',
        error_description: 'grant_type is required',
      });
      const json = await t
        .http()
        .post('/token')
        .set('Authorization', auth)
        .send({ grant_type: 'refresh_token' });
      expect(json.status).toBe(400);
      expect(json.body.error_description).toBe(
        'The token request must be application/x-www-form-urlencoded',
      );
      const repeated = await form('/token')
        .set('Authorization', auth)
        .send('grant_type=refresh_token&grant_type=authorization_code');
      expect(repeated.body).toEqual({
        error: 'invalid_request',
        error_description: 'Parameter grant_type must not be repeated',
      });
    });
  });

  describe('request parameters at /token, /revoke and /introspect (RFC 6749 §3.1, §3.2)', () => {
    const auth = basic('demo-client', 'demo-secret');

    it('ignores unrecognized parameters and treats empty ones as absent', async () => {
      const { code, verifier } = await obtainCode(t.agent);
      // An empty client_secret next to Basic authentication is no second method.
      await form('/token')
        .set('Authorization', auth)
        .send({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: 'http://localhost:25001/callback',
          client_secret: '',
          // RFC 8693's parameter; the token exchange grant is not offered here.
          audience: 'https://api.example.com',
        })
        .expect(200);
      const empty = await form('/token')
        .set('Authorization', auth)
        .send({ grant_type: 'refresh_token', refresh_token: '' });
      expect(empty.body).toEqual({
        error: 'invalid_request',
        error_description: 'refresh_token is required',
      });
      await form('/introspect')
        .set('Authorization', auth)
        .send({ token: 'x', extra: '1' })
        .expect(200);
    });

    it.each([
      ['/token', 'The token request'],
      ['/revoke', 'The revocation request'],
      ['/introspect', 'The introspection request'],
      ['/par', 'The pushed request'],
      ['/device_authorization', 'The device authorization request'],
      ['/backchannel', 'The backchannel authentication request'],
    ])(
      'refuses a JSON body at %s before reading it (its RFC names the form alone)',
      async (path, name) => {
        const res = await t
          .http()
          .post(path)
          .set('Authorization', auth)
          .send({ token: 'x', client_id: 'demo-client', scope: 'openid' });
        expectRefusal(
          res,
          400,
          'invalid_request',
          `${name} must be application/x-www-form-urlencoded`,
        );
      },
    );

    it.each(['/token', '/revoke', '/introspect'])(
      'refuses a parameter sent twice at %s, recognized or not',
      async (path) => {
        for (const name of ['client_id', 'resource']) {
          const res = await form(path)
            .set('Authorization', auth)
            .send(`grant_type=refresh_token&token=x&${name}=a&${name}=b`);
          expectRefusal(res, 400, 'invalid_request', `Parameter ${name} must not be repeated`);
        }
      },
    );

    it('counts token requests refused before the grant runs in the metrics', async () => {
      const refusedRefreshes = async () =>
        sample(
          (await t.http().get('/metrics').expect(200)).text,
          'proofgate_token_requests_total',
          {
            grant_type: 'refresh_token',
            outcome: 'invalid_request',
          },
        );
      const before = await refusedRefreshes();
      await t
        .http()
        .post('/token')
        .set('Authorization', auth)
        .send({ grant_type: 'refresh_token' });
      await form('/token')
        .set('Authorization', auth)
        .send('grant_type=refresh_token&code=a&code=b');
      expect(await refusedRefreshes()).toBe(before + 2);
    });
  });

  describe('GET /api/me (RFC 6750)', () => {
    it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
      const res = await t.http().get('/api/me').expect(401);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer realm="proofgate", resource_metadata="${t.config.server.issuer}/.well-known/oauth-protected-resource/api"`,
      );
      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description: 'A bearer access token is required',
      });
    });

    it('rejects a tampered token', async () => {
      const { access_token } = await tokens();
      const [header, payload, signature] = access_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'user1' })).toString('base64url');
      const res = await t
        .http()
        .get('/api/me')
        .set('Authorization', `Bearer ${header}.${forged}.${signature}`)
        .expect(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="proofgate", error="invalid_token"/,
      );
    });

    it('rejects a token signed by another key under our kid', async () => {
      const { access_token } = await tokens();
      const { kid } = decodeProtectedHeader(access_token);
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ sub: 'user0', client_id: 'demo-client', scope: 'profile' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .setIssuer(t.config.server.issuer)
        .setAudience(t.config.tokens.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const res = await getMe(t, forged).expect(401);
      expect(res.body.error).toBe('invalid_token');
    });

    it('rejects an expired token', async () => {
      const { access_token } = await tokens();
      t.clock.advance(901);
      const res = await getMe(t, access_token);
      expectRefusal(res, 401, 'invalid_token', 'The access token expired');
    });
  });

  describe('POST /revoke (RFC 7009)', () => {
    it('revokes an access token on its own', async () => {
      const { access_token, refresh_token } = await tokens();
      await form('/revoke')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ token: access_token, token_type_hint: 'access_token' })
        .expect(200, {});
      const me = await getMe(t, access_token).expect(401);
      expect(me.body.error_description).toBe('The access token has been revoked');
      // The grant lives on: the refresh token still works.
      const refreshed = await form('/token')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ grant_type: 'refresh_token', refresh_token })
        .expect(200);
      await getMe(t, refreshed.body.access_token).expect(200);
    });

    it('revokes a refresh token and its whole grant', async () => {
      const { access_token, refresh_token } = await tokens();
      await form('/revoke')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ token: refresh_token })
        .expect(200);
      await getMe(t, access_token).expect(401);
      const refreshed = await form('/token')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ grant_type: 'refresh_token', refresh_token });
      expect(refreshed.body.error).toBe('invalid_grant');
    });

    it("answers 200 for unknown tokens and leaves other clients' tokens alone", async () => {
      await form('/revoke')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ token: 'not-a-token' })
        .expect(200);
      const { access_token } = await tokens();
      await form('/revoke').send({ token: access_token, client_id: 'demo-spa' }).expect(200);
      await getMe(t, access_token).expect(200);
    });

    it('requires client authentication and a token', async () => {
      const anonymous = await form('/revoke').send({ token: 'x' });
      expect(anonymous.status).toBe(401);
      const missing = await form('/revoke')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({});
      expect(missing.body).toEqual({
        error: 'invalid_request',
        error_description: 'token is required',
      });
    });
  });

  describe('POST /introspect (RFC 7662)', () => {
    const introspect = (token: string) =>
      form('/introspect').set('Authorization', basic('demo-client', 'demo-secret')).send({ token });

    it('describes active access and refresh tokens', async () => {
      const { access_token, refresh_token } = await tokens();
      const access = await introspect(access_token).expect(200);
      expect(access.body).toMatchObject({
        active: true,
        token_type: 'Bearer',
        client_id: 'demo-client',
        sub: 'user0',
        scope: 'profile',
        iss: t.config.server.issuer,
        auth_method: 'password',
      });
      const refreshBody = (await introspect(refresh_token).expect(200)).body;
      expect(refreshBody).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        sub: 'user0',
      });
    });

    it('says inactive for revoked, rotated, expired and unknown tokens', async () => {
      const first = await tokens();
      await form('/token')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token })
        .expect(200);
      expect((await introspect(first.refresh_token)).body).toEqual({ active: false });
      expect((await introspect('garbage')).body).toEqual({ active: false });
      const second = await tokens();
      await form('/revoke')
        .set('Authorization', basic('demo-client', 'demo-secret'))
        .send({ token: second.access_token })
        .expect(200);
      expect((await introspect(second.access_token)).body).toEqual({ active: false });
      const third = await tokens();
      t.clock.advance(901);
      expect((await introspect(third.access_token)).body).toEqual({ active: false });
    });

    it('is refused to public clients', async () => {
      const res = await form('/introspect').send({ token: 'x', client_id: 'demo-spa' });
      expectRefusal(res, 401, 'invalid_client', 'Introspection requires a confidential client');
    });
  });

  it('publishes RFC 8414 metadata', async () => {
    const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    const issuer = t.config.server.issuer;
    expect(res.body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      jwks_uri: `${issuer}/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        'urn:openid:params:grant-type:ciba',
      ],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'none',
        'private_key_jwt',
      ],
      authorization_response_iss_parameter_supported: true,
    });
  });
});

describe('POST /token rate limits', () => {
  it('answers 429 with Retry-After once a client exceeds its per-minute limit', async () => {
    const t = await createTestApp({ RATE_LIMIT_TOKEN_PER_CLIENT: '3' });
    try {
      placeInWindow([t]);
      const send = () =>
        t
          .http()
          .post('/token')
          .type('form')
          .send({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'demo-spa' });
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(400);
      const limited = await send();
      expectRefusal(limited, 429, 'too_many_requests', 'Too many requests; slow down');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another client is not affected.
      const other = await t
        .http()
        .post('/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'demo-client' });
      expect(other.status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
