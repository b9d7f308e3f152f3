/**
 * RFC 7591 dynamic client registration at POST /register: a public client registered by an
 * independent OAuth client library (oauth4webapi) runs the whole code + PKCE flow; the refusals
 * carry the RFC 7591 §3.2.2 codes; registration is rate limited, can be closed, and a registered
 * client is an ordinary row of the client registry (admin CLI included).
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { ClientRegistry } from '../../../src/clients/client-registry.service';
import { UserAccountService } from '../../../src/accounts/users/user-account.service';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { authorizeWithConsent } from '../../support/fetch-browser';
import {
  authorizePath,
  basic,
  clientResponseOf,
  login,
  pkcePair,
  getMe,
} from '../../support/oauth';
import { TestApp, createTestApp } from '../../support/test-app';
import { adminCli } from '../../support/admin-cli';
import { INSECURE, authorizationRequest, discover } from '../../support/oauth-discovery';
import { expectRefreshGrantRefused, register } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { useListeningApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-registration-e2e-spec';
const LOOPBACK_CALLBACK = 'http://127.0.0.1:53682/callback';

/** Runs `proofgate-admin` in-process on the test database; resolves to what it printed. */
async function admin(t: TestApp, argv: string[]): Promise<{ code: number; stdout: string }> {
  const { code, output } = await adminCli(t, argv);
  return { code, stdout: output };
}

/**
 * A confidential client's OpenID Connect sign-in without PKCE (`require_pkce` false): the browser
 * signs in and consents, the client redeems the code with its secret and gets an ID token.
 */
async function expectOpenIdCodeFlowWithoutPkce(
  t: TestApp & { issuer: string },
  client: { id: string; secret: string },
  redirectUri: string,
): Promise<string> {
  const url = new URL(`${t.issuer}/authorize`);
  url.search = new URLSearchParams({
    client_id: client.id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 'st-rp',
    nonce: 'n-rp',
  }).toString();
  const { callback } = await authorizeWithConsent(url, t.issuer);
  const tokens = await t
    .http()
    .post('/token')
    .type('form')
    .set('Authorization', basic(client.id, client.secret))
    .send({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: redirectUri,
    })
    .expect(200);
  expect(tokens.body.id_token).toEqual(expect.any(String));
  return tokens.body.id_token as string;
}

describe('POST /register (RFC 7591), open to public clients', () => {
  const t = useListeningApp({
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    RATE_LIMIT_REGISTER_PER_IP: '1000',
  });

  it('registers a public client with oauth4webapi, which then logs a user in with PKCE', async () => {
    const as = await discover(t.issuer);
    expect(as.registration_endpoint).toBe(`${t.issuer}/register`);
    const openid = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(openid.body.registration_endpoint).toBe(`${t.issuer}/register`);

    const before = Math.floor(Date.now() / 1000);
    const registration = await oauth.dynamicClientRegistrationRequest(
      as,
      {
        redirect_uris: [LOOPBACK_CALLBACK],
        client_name: 'Registered CLI',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        // RFC 7591 §2: metadata the server does not understand is ignored, arrays included.
        contacts: ['ops@cli.example'],
        software_id: '4NRB1-0XZABZI9E6-5SM3R',
        x_vendor_extension: { nested: [1, 2, 3] },
      },
      INSECURE,
    );
    expect(registration.status).toBe(201);
    expect(registration.headers.get('cache-control')).toBe('no-store');
    const registered = await oauth.processDynamicClientRegistrationResponse(registration);
    expect(registered).toEqual({
      client_id: expect.stringMatching(/^dcr_[0-9a-f]{32}$/),
      client_id_issued_at: expect.any(Number),
      redirect_uris: [LOOPBACK_CALLBACK],
      client_name: 'Registered CLI',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // Every redirect URI is on the device: a native app (OpenID Connect Registration §2).
      application_type: 'native',
      // OpenID Connect Registration §2's default, said (oauth4webapi expects it too).
      id_token_signed_response_alg: 'RS256',
      require_pkce: true,
    });
    expect(registered.client_id_issued_at).toBeGreaterThanOrEqual(before);
    const client: oauth.Client = registered;

    // A native app on an ephemeral loopback port (RFC 8252 §7.3), as a public client may.
    const redirectUri = 'http://127.0.0.1:61234/callback';
    const authorization = await authorizationRequest(as, client, redirectUri, {
      scope: 'openid profile',
    });
    const { callback, consentPage } = await authorizeWithConsent(authorization.url, t.issuer);
    // A registered client is third party: its (self-chosen) name is shown, with its id.
    expect(consentPage).toContain('Registered CLI');
    expect(consentPage).toContain(client.client_id);

    const tokens = await authorization.redeem(callback, { requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims.aud).toBe(client.client_id);
    // RFC 9700 §4.15: the subject is the user, never the client.
    expect(claims.sub).toBe('user1');
    const me = await getMe(t, tokens.access_token).expect(200);
    expect(me.body).toMatchObject({ sub: 'user1', client_id: client.client_id });

    // Without the verifier the code is worthless: PKCE is required of registered clients too.
    const noPkce = new URL(authorization.url);
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    // The client registered itself: the error is a page linking back, not a redirect.
    const refused = await fetch(noPkce, { redirect: 'manual', headers: { accept: 'text/html' } });
    const back = clientResponseOf({
      status: refused.status,
      headers: {},
      text: await refused.text(),
    });
    expect(back.searchParams.get('error')).toBe('invalid_request');
  });

  describe('registered grant_types are enforced at /token (RFC 6749 §5.2)', () => {
    /** Registers a public client, signs user1 in through consent, and redeems the code. */
    async function registerAndRedeem(grantTypes?: string[]) {
      const registered = await register(t, {
        redirect_uris: [LOOPBACK_CALLBACK],
        token_endpoint_auth_method: 'none',
        ...(grantTypes ? { grant_types: grantTypes } : {}),
      }).expect(201);
      const clientId = (registered.body as { client_id: string }).client_id;
      const verifier = oauth.generateRandomCodeVerifier();
      const authorizationUrl = new URL(`${t.issuer}/authorize`);
      authorizationUrl.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: LOOPBACK_CALLBACK,
        response_type: 'code',
        scope: 'profile',
        state: 'grant-types',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const { callback } = await authorizeWithConsent(authorizationUrl, t.issuer);
      const exchanged = await t
        .http()
        .post('/token')
        .type('form')
        .send({
          grant_type: 'authorization_code',
          client_id: clientId,
          code: callback.searchParams.get('code')!,
          redirect_uri: LOOPBACK_CALLBACK,
          code_verifier: verifier,
        })
        .expect(200);
      return { clientId, tokens: exchanged.body as Record<string, unknown> };
    }

    it('gives a client registered for authorization_code alone no refresh token, and refuses its refresh', async () => {
      // RFC 7591 §2: grant_types defaults to authorization_code.
      const { clientId, tokens } = await registerAndRedeem();
      expect(tokens).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        scope: 'profile',
      });
      await getMe(t, tokens.access_token as string).expect(200);

      await expectRefreshGrantRefused(t, clientId);
    });

    it('refuses even a real refresh token to a client registered without refresh_token', async () => {
      const onlyCode = await registerAndRedeem(['authorization_code']);
      // A refresh token of another client (registered for both) is no way around the rule.
      const both = await registerAndRedeem(['authorization_code', 'refresh_token']);
      const refused = await t
        .http()
        .post('/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          client_id: onlyCode.clientId,
          refresh_token: both.tokens.refresh_token as string,
        })
        .expect(400);
      expect(refused.body).toMatchObject({ error: 'unauthorized_client' });
      // The refused attempt changed nothing: the token still refreshes for its own client.
      await t
        .http()
        .post('/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          client_id: both.clientId,
          refresh_token: both.tokens.refresh_token as string,
        })
        .expect(200);
    });

    it('gives a client registered for both a refresh token that rotates', async () => {
      const { clientId, tokens } = await registerAndRedeem(['authorization_code', 'refresh_token']);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const refreshed = await t
        .http()
        .post('/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          client_id: clientId,
          refresh_token: tokens.refresh_token as string,
        })
        .expect(200);
      expect(refreshed.body).toMatchObject({
        token_type: 'Bearer',
        scope: 'profile',
        refresh_token: expect.any(String),
      });
      expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    });
  });

  it('refuses plain http to another host with invalid_redirect_uri', async () => {
    const res = await register(t, {
      redirect_uris: ['http://evil.example/cb'],
      token_endpoint_auth_method: 'none',
    });
    expectRefusal(
      res,
      400,
      'invalid_redirect_uri',
      'redirect_uris[0] may use http only on a loopback host (127.0.0.1, [::1] or localhost); use https',
    );
  });

  it.each([
    [
      { token_endpoint_auth_method: 'none' },
      'invalid_redirect_uri',
      'redirect_uris must name at least one redirect URI',
    ],
    [
      { redirect_uris: ['https://app.example/cb#frag'], token_endpoint_auth_method: 'none' },
      'invalid_redirect_uri',
      'redirect_uris[0] must not contain a fragment',
    ],
    [
      {
        redirect_uris: Array.from({ length: 11 }, (_, i) => `https://app.example/cb${i}`),
        token_endpoint_auth_method: 'none',
      },
      'invalid_redirect_uri',
      'redirect_uris may name at most 10 URIs',
    ],
    [
      {
        redirect_uris: [`https://app.example/${'a'.repeat(2000)}`],
        token_endpoint_auth_method: 'none',
      },
      'invalid_redirect_uri',
      'redirect_uris[0] is longer than 2000 characters',
    ],
    [
      {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        client_name: 'x'.repeat(101),
      },
      'invalid_client_metadata',
      'client_name must have 1 to 100 characters',
    ],
    [
      {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        client_name: 'Evil\u202Egnp.exe',
      },
      'invalid_client_metadata',
      'client_name must not contain control or format characters',
    ],
    [
      {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        grant_types: ['password'],
      },
      'invalid_client_metadata',
      'grant_types may contain only authorization_code, refresh_token, urn:ietf:params:oauth:grant-type:device_code, client_credentials, urn:ietf:params:oauth:grant-type:token-exchange, urn:ietf:params:oauth:grant-type:jwt-bearer, urn:openid:params:grant-type:ciba',
    ],
    [
      {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
        response_types: ['token'],
      },
      'invalid_client_metadata',
      'response_types may contain only code',
    ],
    [
      {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'client_secret_jwt',
      },
      'invalid_client_metadata',
      'token_endpoint_auth_method must be one of none, client_secret_basic, client_secret_post, private_key_jwt',
    ],
    // Not metadata at all: refused with every JSON body that is not an object.
    [['https://app.example/cb'], 'invalid_request', 'The request body must be a JSON object'],
  ])('refuses bad or oversized metadata %#', async (body, error, description) => {
    const res = await register(t, body).expect(400);
    expect(res.body).toEqual({ error, error_description: description });
  });

  it('refuses a body over 16 KB and one that does not parse, as invalid_request', async () => {
    const huge = await register(t, {
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'none',
      padding: 'x'.repeat(17 * 1024),
    });
    expectRefusal(huge, 413, 'invalid_request', 'The request body is too large');
    const broken = await t
      .http()
      .post('/register')
      .set('Content-Type', 'application/json')
      .send('{"redirect_uris": [');
    expectRefusal(broken, 400, 'invalid_request', 'The request body is not valid JSON');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await t
      .http()
      .post('/register')
      .type('form')
      .send({ redirect_uris: 'https://app.example/cb' })
      .expect(400);
    expect(res.body.error).toBe('invalid_request');
  });

  describe('confidential clients need the initial access token', () => {
    const confidential = {
      redirect_uris: ['https://app.example/callback'],
      client_name: 'Server app',
      token_endpoint_auth_method: 'client_secret_basic',
    };

    it('refuses one without the token with invalid_client_metadata (omitted method included)', async () => {
      const res = await register(t, confidential);
      expectRefusal(
        res,
        400,
        'invalid_client_metadata',
        'A confidential client needs the initial access token to register; a public client registers with token_endpoint_auth_method "none"',
      );
      // RFC 7591 §2: an omitted token_endpoint_auth_method means client_secret_basic.
      const omitted = await register(t, { redirect_uris: ['https://app.example/callback'] });
      expect(omitted.status).toBe(400);
      expect(omitted.body.error).toBe('invalid_client_metadata');
    });

    it('refuses a wrong token with 401 invalid_token, whatever the client type', async () => {
      for (const body of [confidential, { ...confidential, token_endpoint_auth_method: 'none' }]) {
        const res = await register(t, body, 'not-the-initial-access-token');
        expectRefusal(res, 401, 'invalid_token', 'The initial access token is invalid');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      }
    });

    it('registers one with the token; its secret authenticates it', async () => {
      const res = await register(t, confidential, INITIAL_ACCESS_TOKEN).expect(201);
      expect(res.body).toEqual({
        client_id: expect.stringMatching(/^dcr_[0-9a-f]{32}$/),
        client_id_issued_at: expect.any(Number),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        client_secret_expires_at: 0,
        redirect_uris: ['https://app.example/callback'],
        client_name: 'Server app',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        application_type: 'web',
        id_token_signed_response_alg: 'RS256',
        require_pkce: true,
      });
      const { client_id: id, client_secret: secret } = res.body as Record<string, string>;
      await t
        .http()
        .post('/introspect')
        .set('Authorization', basic(id, secret))
        .type('form')
        .send({ token: 'not-a-token' })
        .expect(200, { active: false });
      await t
        .http()
        .post('/introspect')
        .set('Authorization', basic(id, 'wrong-secret'))
        .type('form')
        .send({ token: 'not-a-token' })
        .expect(401);
    });

    it('takes its secret only the way it registered (RFC 7591 §2 token_endpoint_auth_method), before any hashing', async () => {
      const introspect = () => t.http().post('/introspect').type('form');
      /** The client secret's refusals by reason, as /challenge-models counts them. */
      const refusals = async () => {
        const { body } = await t.http().get('/challenge-models').expect(200);
        const models = body.proof_of_possession as Array<{
          id: string;
          figures: { since_start: { rejected: { by_reason: Record<string, number> } } };
        }>;
        return models.find((model) => model.id === 'client_secret')!.figures.since_start.rejected
          .by_reason;
      };
      const before = await refusals();
      const registered = async (method?: string) => {
        const body = {
          redirect_uris: confidential.redirect_uris,
          client_name: confidential.client_name,
          ...(method === undefined ? {} : { token_endpoint_auth_method: method }),
        };
        const res = await register(t, body, INITIAL_ACCESS_TOKEN).expect(201);
        return res.body as {
          client_id: string;
          client_secret: string;
          token_endpoint_auth_method: string;
        };
      };
      const wrongWay = (method: string) =>
        `This client registered token_endpoint_auth_method ${method}: send its secret that way`;

      const post = await registered('client_secret_post');
      expect(post.token_endpoint_auth_method).toBe('client_secret_post');
      await introspect()
        .send({ client_id: post.client_id, client_secret: post.client_secret, token: 'x' })
        .expect(200, { active: false });
      expectRefusal(
        await introspect()
          .set('Authorization', basic(post.client_id, post.client_secret))
          .send({ token: 'x' }),
        401,
        'invalid_client',
        wrongWay('client_secret_post'),
      );

      // Omitted: client_secret_basic (RFC 7591 §2), and held to it.
      const omitted = await registered();
      expect(omitted.token_endpoint_auth_method).toBe('client_secret_basic');
      await introspect()
        .set('Authorization', basic(omitted.client_id, omitted.client_secret))
        .send({ token: 'x' })
        .expect(200, { active: false });
      // A wrong secret the wrong way is refused for the way: no scrypt is spent on it.
      for (const secret of [omitted.client_secret, 'wrong-secret']) {
        expectRefusal(
          await introspect().send({
            client_id: omitted.client_id,
            client_secret: secret,
            token: 'x',
          }),
          401,
          'invalid_client',
          wrongWay('client_secret_basic'),
        );
      }
      await t
        .http()
        .post('/token')
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_id: omitted.client_id,
          client_secret: omitted.client_secret,
        })
        .expect(401);

      // Four refused for the way (one post client in Basic, three omitted-method ones in the
      // body), none of them counted as a wrong secret: the way is checked before the secret.
      const after = await refusals();
      expect(after.wrong_method - (before.wrong_method ?? 0)).toBe(4);
      expect(after.wrong_secret ?? 0).toBe(before.wrong_secret ?? 0);

      // The operator sees the way it registered.
      const shown = await admin(t, ['clients', 'show', post.client_id, '--json']);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        token_endpoint_auth_method: 'client_secret_post',
      });
    });
  });

  describe('require_pkce: a confidential OpenID Connect client may go without PKCE, a public one never', () => {
    const rp = {
      redirect_uris: ['https://rp.example/callback'],
      client_name: 'Legacy OIDC plugin',
      token_endpoint_auth_method: 'client_secret_basic',
      require_pkce: false,
    };

    it('refuses require_pkce false of a public client with invalid_client_metadata', async () => {
      for (const initialAccessToken of [undefined, INITIAL_ACCESS_TOKEN]) {
        const res = await register(
          t,
          { ...rp, token_endpoint_auth_method: 'none' },
          initialAccessToken,
        );
        expectRefusal(
          res,
          400,
          'invalid_client_metadata',
          'require_pkce may be false only for a confidential client: a public client always uses PKCE',
        );
      }
    });

    it('registers a confidential one with require_pkce false, says so, and its code flow needs no PKCE', async () => {
      const res = await register(t, rp, INITIAL_ACCESS_TOKEN).expect(201);
      expect(res.body).toMatchObject({
        token_endpoint_auth_method: 'client_secret_basic',
        require_pkce: false,
      });
      const { client_id: id, client_secret: secret } = res.body as Record<string, string>;
      expect(JSON.parse((await admin(t, ['clients', 'show', id, '--json'])).stdout)).toMatchObject({
        client_id: id,
        require_pkce: false,
      });
      expect((await admin(t, ['clients', 'show', id])).stdout).toMatch(
        /PKCE:\s+optional for OpenID Connect requests \(nonce instead\)\n/,
      );

      await expectOpenIdCodeFlowWithoutPkce(t, { id, secret }, rp.redirect_uris[0]);
    });
  });

  it('issues ids no user can take as a name (RFC 9700 §4.15)', async () => {
    const res = await register(t, {
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'none',
    }).expect(201);
    const id = (res.body as { client_id: string }).client_id;
    await expect(
      t.app.get(UserAccountService).register(id, 'a long enough password'),
    ).rejects.toThrow('username must not start with "dcr_" (reserved for registered clients)');
    await expect(
      t.app.get(UserAccountService).register(id.toUpperCase(), 'a long enough password'),
    ).rejects.toThrow(/reserved for registered clients/);
  });

  it('makes a new client usable at once on this instance, though its id was looked up as unknown', async () => {
    const registry = t.app.get(ClientRegistry);
    const id = 'dcr_0123456789abcdef0123456789abcdef';
    expect(await registry.find(id)).toBeNull();
    await registry.add({
      clientId: id,
      type: 'public',
      name: 'Cached as unknown',
      redirectUris: ['https://app.example/cb'],
      dynamicallyRegisteredAt: new Date(),
    });
    expect(await registry.find(id)).toMatchObject({ clientId: id, name: 'Cached as unknown' });
  });

  it('answers cross-origin registrations from any origin (CORS)', async () => {
    const preflight = await t
      .http()
      .options('/register')
      .set('Origin', 'https://spa.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    const res = await register(t, {
      redirect_uris: ['https://spa.example/cb'],
      token_endpoint_auth_method: 'none',
    })
      .set('Origin', 'https://spa.example')
      .expect(201);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('shows registered clients in the admin CLI as dynamically registered, and removes them', async () => {
    const res = await register(t, {
      redirect_uris: ['https://admin-view.example/cb'],
      client_name: 'Seen by the operator',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
    }).expect(201);
    const { client_id: id, client_id_issued_at: issuedAt } = res.body as {
      client_id: string;
      client_id_issued_at: number;
    };

    const list = await admin(t, ['clients', 'list']);
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((line) => line.startsWith(id));
    expect(row).toMatch(
      /public\s+Seen by the operator\s+no\s+dynamic registration\s+https:\/\/admin-view\.example\/cb/,
    );

    const show = await admin(t, ['clients', 'show', id, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      client_id: id,
      client_name: 'Seen by the operator',
      token_endpoint_auth_method: 'none',
      source: 'dynamic registration',
      client_id_issued_at: issuedAt,
      grant_types: ['authorization_code'],
    });
    const human = await admin(t, ['clients', 'show', id]);
    expect(human.stdout).toMatch(/source:\s+dynamic registration/);
    expect(human.stdout).toMatch(/grant types:\s+authorization_code\n/);
    expect(human.stdout).toMatch(/registered:\s+\d{4}-\d\d-\d\dT/);

    const removed = await admin(t, ['clients', 'remove', id]);
    expect(removed.code).toBe(0);
    expect(await admin(t, ['clients', 'show', id])).toMatchObject({ code: 1 });
  });
});

/**
 * Issue #19, item 12: what a client may say about itself. Redirect URIs that look like a
 * wildcard, a dangerous scheme or the cloud metadata service; names that pass for the service;
 * text that is not valid Unicode; and refusals that never echo what was sent.
 */
describe('POST /register refuses misleading or malformed metadata (issue #19)', () => {
  const t = useTestApp({ RATE_LIMIT_REGISTER_PER_IP: '1000' });

  const publicClient = (extra: Record<string, unknown>) => ({
    redirect_uris: ['https://app.example/cb'],
    token_endpoint_auth_method: 'none',
    ...extra,
  });

  it.each([
    [
      'a literal "*" in the host',
      'https://*.example.com/cb',
      'redirect_uris[0] must name a host of letters, digits, "-" and "." only (no wildcard such as "*")',
    ],
    [
      'a private-use scheme whose first label is javascript',
      'javascript.x:/cb',
      'redirect_uris[0] must not use a private-use scheme whose first label is a URL scheme (javascript., data., file., http. ...); use a reverse domain name such as com.example.app',
    ],
    [
      'a private-use scheme whose first label is data',
      'data.x:/cb',
      'redirect_uris[0] must not use a private-use scheme whose first label is a URL scheme (javascript., data., file., http. ...); use a reverse domain name such as com.example.app',
    ],
    [
      'the cloud metadata address',
      'https://169.254.169.254/cb',
      'redirect_uris[0] must not name a link-local or cloud metadata address (169.254.0.0/16, fe80::/10)',
    ],
    [
      'an IPv6 link-local address',
      'https://[fe80::1]/cb',
      'redirect_uris[0] must not name a link-local or cloud metadata address (169.254.0.0/16, fe80::/10)',
    ],
  ])(
    'refuses a redirect URI with %s: 400 invalid_redirect_uri',
    async (_what, uri, description) => {
      const res = await register(t, publicClient({ redirect_uris: [uri] }));
      expectRefusal(res, 400, 'invalid_redirect_uri', description);
    },
  );

  it('says a redirect URI is not in normal form without echoing it', async () => {
    const uri = 'https://App.Example/echo-marker/../cb';
    const res = await register(t, publicClient({ redirect_uris: [uri] }));
    expectRefusal(
      res,
      400,
      'invalid_redirect_uri',
      'redirect_uris[0] must be written in normalised form, as URL parsing gives it back (lower-case scheme and host, "/" for an empty path, no default port, no dot segments)',
    );
    expect(res.text.toLowerCase()).not.toContain('app.example');
    expect(res.text).not.toContain('echo-marker');
  });

  it.each([
    'Proofgate (first-party) — official demo-client',
    'Prооfgatе', // Cyrillic о, о and е
    'ＰＲＯＯＦＧＡＴＥ Login', // fullwidth
    'P r o o f g a t e',
    'First Party Calendar',
    'The 0fficial app',
  ])('refuses the client_name %j: 400 invalid_client_metadata', async (name) => {
    const res = await register(t, publicClient({ client_name: name }));
    expectRefusal(
      res,
      400,
      'invalid_client_metadata',
      'client_name must not claim to be Proofgate, first-party or official (names are self-asserted)',
    );
  });

  it('refuses a lone surrogate in any registration string: 400 invalid_client_metadata', async () => {
    const redirect = '"redirect_uris":["https://app.example/cb"]';
    for (const [field, json] of [
      ['client_name', `${redirect},"client_name":"Bad \\ud800 name"`],
      ['redirect_uris', '"client_name":"ok","redirect_uris":["https://app.example/\\udc00"]'],
      ['software_id', `${redirect},"client_name":"ok","software_id":"\\ud83d"`],
    ]) {
      const body = `{"token_endpoint_auth_method":"none",${json}}`;
      const res = await t
        .http()
        .post('/register')
        .set('Content-Type', 'application/json')
        .send(body);
      expectRefusal(
        res,
        400,
        'invalid_client_metadata',
        `${field} is not well-formed Unicode (a lone surrogate): metadata must be valid UTF-8`,
      );
    }
  });

  it('refuses a body that is not valid UTF-8: 400 invalid_request', async () => {
    const body = Buffer.concat([
      Buffer.from(
        '{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none","client_name":"Bad ',
      ),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    // Raw bytes over a socket of its own: superagent would re-encode a Buffer as JSON. The test
    // app listens on 127.0.0.1 (test/support/test-app.ts); a connection not kept alive.
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const res = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          agent: false,
          method: 'POST',
          path: '/register',
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expectRefusal(res, 400, 'invalid_request', 'The request body is not valid UTF-8');
  });

  it('still registers an ordinary name, accents and emoji included', async () => {
    const res = await register(t, publicClient({ client_name: 'Agenda Café 📅' })).expect(201);
    expect(res.body.client_name).toBe('Agenda Café 📅');
  });

  it("tells the user on the consent screen that a registered client's name is its own claim", async () => {
    const callback = 'http://127.0.0.1:53682/callback';
    const res = await register(t, {
      redirect_uris: [callback],
      client_name: 'Calendar Sync',
      token_endpoint_auth_method: 'none',
    }).expect(201);
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const screen = await agent
      .get(
        authorizePath({
          client_id: res.body.client_id as string,
          redirect_uri: callback,
          response_type: 'code',
          state: 's',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(200);
    expect(screen.text).toContain('<strong id="consent-client">Calendar Sync</strong>');
    expect(screen.text).toContain(
      '<p class="muted" id="consent-self-asserted">This application registered itself: its name, logo and pages are its own claims, not checked by Proofgate. Allow only an application you expected.</p>',
    );
  });

  it('keeps the dcr_ prefix to registration: proofgate-admin clients add dcr_0123 is refused', async () => {
    for (const id of ['dcr_0123', 'DCR_0123']) {
      const run = await admin(t, [
        'clients',
        'add',
        id,
        '--public',
        '--redirect-uri',
        'https://app.example/cb',
      ]);
      expect(run).toEqual({
        code: 1,
        stdout:
          'proofgate-admin: client_id must not start with "dcr_" (reserved for dynamically registered clients)\n',
      });
    }
    const show = await admin(t, ['clients', 'show', 'dcr_0123']);
    expect(show.code).toBe(1);
  });
});

describe('POST /register when open registration is off', () => {
  it('refuses without the token and advertises nothing when no token is configured, client metadata documents still on', async () => {
    const t = await createTestApp({ REGISTRATION_OPEN: 'false' });
    try {
      const res = await register(t, {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
      });
      expectRefusal(res, 403, 'access_denied', 'Dynamic client registration is disabled');
      const metadata = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
      expect(metadata.body.registration_endpoint).toBeUndefined();
      // MCP 2026-07-28: DCR off, client ID metadata documents on (their own setting).
      expect(metadata.body.client_id_metadata_document_supported).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('still registers with the initial access token', async () => {
    const t = await createTestApp({
      REGISTRATION_OPEN: 'false',
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    });
    try {
      const body = {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
      };
      const refused = await register(t, body).expect(403);
      expect(refused.body.error_description).toBe(
        'Open registration is disabled; registering needs the initial access token',
      );
      await register(t, body, INITIAL_ACCESS_TOKEN).expect(201);
      const metadata = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
      expect(metadata.body.registration_endpoint).toBe(`${t.config.server.issuer}/register`);
    } finally {
      await t.close();
    }
  });
});

describe('POST /register is rate limited per IP (RATE_LIMIT_REGISTER_PER_IP)', () => {
  it('answers 429 with Retry-After in the error envelope past the limit', async () => {
    const t = await createTestApp({ RATE_LIMIT_REGISTER_PER_IP: '2' });
    try {
      placeInWindow([t]);
      const body = {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'none',
      };
      await register(t, body).expect(201);
      await register(t, body).expect(201);
      const limited = await register(t, body);
      expectRefusal(limited, 429, 'too_many_requests', 'Too many requests; slow down');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await t.close();
    }
  });
});

describe('POST /register with REGISTRATION_REQUIRE_PKCE=false (what the OpenID Foundation dynamic plans register)', () => {
  const t = useListeningApp({
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    REGISTRATION_REQUIRE_PKCE: 'false',
  });
  const rp = {
    redirect_uris: ['https://rp.example/callback'],
    client_name: 'Conformance RP',
    token_endpoint_auth_method: 'client_secret_basic',
  };

  it('gives a confidential client that does not say require_pkce false: its OpenID Connect code flow needs no PKCE', async () => {
    const res = await register(t, rp, INITIAL_ACCESS_TOKEN).expect(201);
    expect(res.body).toMatchObject({ require_pkce: false });
    const { client_id: id, client_secret: secret } = res.body as Record<string, string>;
    // The operator sees it registered with the token, which its automatic redirects come from.
    expect(JSON.parse((await admin(t, ['clients', 'show', id, '--json'])).stdout)).toMatchObject({
      require_pkce: false,
      registered_with_initial_access_token: true,
    });
    expect((await admin(t, ['clients', 'show', id])).stdout).toMatch(
      /registered with:\s+the initial access token \(errors go back to it\)\n/,
    );
    await expectOpenIdCodeFlowWithoutPkce(t, { id, secret }, rp.redirect_uris[0]);
  });

  it('signs ID tokens with the alg the client registered: RS256 by default (Registration §2), ES256 when asked', async () => {
    const jwks = createRemoteJWKSet(new URL(`${t.issuer}/jwks.json`));
    for (const [asked, alg] of [
      [undefined, 'RS256'],
      ['RS256', 'RS256'],
      ['ES256', 'ES256'],
    ] as const) {
      const res = await register(
        t,
        asked === undefined ? rp : { ...rp, id_token_signed_response_alg: asked },
        INITIAL_ACCESS_TOKEN,
      ).expect(201);
      expect(res.body).toMatchObject({ id_token_signed_response_alg: alg });
      const { client_id: id, client_secret: secret } = res.body as Record<string, string>;

      const idToken = await expectOpenIdCodeFlowWithoutPkce(t, { id, secret }, rp.redirect_uris[0]);

      // A relying party's own check: that alg only, by a key the JWKS publishes for it.
      const { protectedHeader, payload } = await jwtVerify(idToken, jwks, {
        issuer: t.issuer,
        audience: id,
        algorithms: [alg],
      });
      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toMatchObject({ nonce: 'n-rp' });
    }
  });

  it('refuses an id_token_signed_response_alg it cannot sign with, naming the ones it can', async () => {
    for (const alg of ['none', 'HS256', 'PS256', 'rs256', 42]) {
      const refused = await register(
        t,
        { ...rp, id_token_signed_response_alg: alg },
        INITIAL_ACCESS_TOKEN,
      );
      expectRefusal(
        refused,
        400,
        'invalid_client_metadata',
        'id_token_signed_response_alg must be one of ES256, RS256',
      );
    }
  });

  it('keeps require_pkce true where the registration says so, and for every public client', async () => {
    const said = await register(t, { ...rp, require_pkce: true }, INITIAL_ACCESS_TOKEN).expect(201);
    expect(said.body).toMatchObject({ require_pkce: true });
    for (const initialAccessToken of [undefined, INITIAL_ACCESS_TOKEN]) {
      const open = await register(
        t,
        { ...rp, token_endpoint_auth_method: 'none' },
        initialAccessToken,
      ).expect(201);
      expect(open.body).toMatchObject({ token_endpoint_auth_method: 'none', require_pkce: true });
    }
  });
});
