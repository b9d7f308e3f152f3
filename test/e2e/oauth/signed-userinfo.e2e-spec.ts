/**
 * OpenID Connect Core §5.3.2 signed UserInfo responses: a client that registered
 * `userinfo_signed_response_alg` (Registration §2; at POST /register, in OAUTH_CLIENTS, or with the
 * admin CLI) gets `/userinfo` as `application/jwt`, signed by the server's key for that alg in
 * /jwks.json, with `iss` and `aud` and the claims of the JSON answer, as the OpenID Foundation's
 * `oidcc-userinfo-rs256` checks it. The signature is verified here with jose against the published
 * key set, and the answer read by an independent Relying Party library (openid-client 6).
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import { authorizeWithConsent } from '../../support/fetch-browser';
import { addClientWith } from '../../support/admin-cli';
import { authorizeInBrowser } from '../../support/dpop';
import { clientEntry } from '../../support/oauth';
import { register } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';
import { useListeningApp } from '../../support/use-test-app';
import type { Test } from 'supertest';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-signed-userinfo-spec';
const REGISTERED_CALLBACK = 'http://127.0.0.1:7520/callback';
const ES256_RP = {
  id: 'userinfo-es256-rp',
  secret: 'userinfo-es256-rp-secret',
  redirectUri: 'http://127.0.0.1:7521/callback',
};
const JSON_RP = {
  id: 'userinfo-json-rp',
  secret: 'userinfo-json-rp-secret',
  redirectUri: 'http://127.0.0.1:7522/callback',
};
const insecure = { execute: [oidc.allowInsecureRequests] };

/** supertest's parser for a body it does not know (`application/jwt`): the text. */
const asText: Parameters<Test['parse']>[0] = (response, done) => {
  let text = '';
  response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  response.on('end', () => done(null, text));
};

describe('signed UserInfo responses (OpenID Connect Core §5.3.2)', () => {
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(ES256_RP, { first_party: true, userinfo_signed_response_alg: 'ES256' }),
      clientEntry(JSON_RP, { first_party: true }),
    ]),
  });

  /**
   * A code flow of a confidential `client` (its `metadata` as openid-client knows it) for
   * `openid profile`, through the login page (and the consent screen, `consent`): its tokens.
   */
  async function accessTokenOf(
    client: { id: string; secret: string; redirectUri: string },
    {
      consent = false,
      metadata = {},
    }: { consent?: boolean; metadata?: Partial<oidc.ClientMetadata> } = {},
  ): Promise<{ config: oidc.Configuration; accessToken: string; sub: string }> {
    const config = await oidc.discovery(
      new URL(t.issuer),
      client.id,
      { client_secret: client.secret, ...metadata },
      oidc.ClientSecretBasic(client.secret),
      insecure,
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = consent
      ? (await authorizeWithConsent(url, t.issuer)).callback
      : await authorizeInBrowser(url, t.issuer);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    return { config, accessToken: tokens.access_token, sub: tokens.claims()!.sub };
  }

  async function publishedKeys(): Promise<JSONWebKeySet> {
    return (await t.http().get('/jwks.json').expect(200)).body as JSONWebKeySet;
  }

  it('oidcc-userinfo-rs256: a client registered with userinfo_signed_response_alg RS256 gets application/jwt, signed RS256 by a key of /jwks.json, with iss, aud and the claims of the JSON answer, and no nonce', async () => {
    const discovery = await t.http().get('/.well-known/openid-configuration').expect(200);
    expect(discovery.body.userinfo_signing_alg_values_supported).toEqual(['ES256', 'RS256']);

    const registered = await register(
      t,
      {
        redirect_uris: [REGISTERED_CALLBACK],
        client_name: 'Signed UserInfo RP',
        token_endpoint_auth_method: 'client_secret_basic',
        userinfo_signed_response_alg: 'RS256',
      },
      INITIAL_ACCESS_TOKEN,
    ).expect(201);
    expect(registered.body).toMatchObject({ userinfo_signed_response_alg: 'RS256' });
    const client = {
      id: registered.body.client_id as string,
      secret: registered.body.client_secret as string,
      redirectUri: REGISTERED_CALLBACK,
    };
    const { config, accessToken, sub } = await accessTokenOf(client, {
      consent: true,
      metadata: { userinfo_signed_response_alg: 'RS256' },
    });

    for (const send of [
      () => t.http().get('/userinfo').set('Authorization', `Bearer ${accessToken}`),
      () => t.http().post('/userinfo').type('form').send({ access_token: accessToken }),
    ]) {
      const res = await send().buffer(true).parse(asText);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/jwt');
      expect(res.headers['cache-control']).toBe('no-store');
      const jwt = res.body as string;
      const { payload, protectedHeader } = await jwtVerify(
        jwt,
        createLocalJWKSet(await publishedKeys()),
        { algorithms: ['RS256'], issuer: t.issuer, audience: client.id },
      );
      expect(protectedHeader.alg).toBe('RS256');
      expect(payload).toEqual({
        sub: 'user1',
        name: 'user1',
        preferred_username: 'user1',
        updated_at: expect.any(Number),
        iss: t.issuer,
        aud: client.id,
        iat: expect.any(Number),
      });
      expect(Math.abs((payload.iat as number) - t.clock.nowSeconds())).toBeLessThan(5);
    }

    // An independent RP library reads the signed answer as the client's UserInfo.
    oidc.enableNonRepudiationChecks(config);
    expect(await oidc.fetchUserInfo(config, accessToken, sub)).toMatchObject({
      sub: 'user1',
      name: 'user1',
      iss: t.issuer,
      aud: client.id,
    });
  });

  it('a configured client with ES256 gets it signed by the ES256 key; one that registered no alg gets the JSON answer as before', async () => {
    const signed = await accessTokenOf(ES256_RP);
    const res = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `Bearer ${signed.accessToken}`)
      .buffer(true)
      .parse(asText)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/jwt');
    const keys = await publishedKeys();
    const header = decodeProtectedHeader(res.body as string);
    expect(header.alg).toBe('ES256');
    expect(keys.keys.find((key) => key.kid === header.kid)).toMatchObject({ alg: 'ES256' });
    const { payload } = await jwtVerify(res.body as string, createLocalJWKSet(keys), {
      algorithms: ['ES256'],
      issuer: t.issuer,
      audience: ES256_RP.id,
    });
    expect(payload.sub).toBe('user1');

    const plain = await accessTokenOf(JSON_RP);
    const json = await t
      .http()
      .get('/userinfo')
      .set('Authorization', `Bearer ${plain.accessToken}`)
      .expect(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.body).toEqual({
      sub: 'user1',
      name: 'user1',
      preferred_username: 'user1',
      updated_at: expect.any(Number),
    });
  });

  it('refuses an alg it does not sign with, at registration and in the admin CLI (OAUTH_CLIENTS: app-config.spec)', async () => {
    for (const alg of ['none', 'HS256', 'PS256', 42]) {
      const res = await register(
        t,
        { redirect_uris: [REGISTERED_CALLBACK], userinfo_signed_response_alg: alg },
        INITIAL_ACCESS_TOKEN,
      );
      expectRefusal(
        res,
        400,
        'invalid_client_metadata',
        'userinfo_signed_response_alg must be one of ES256, RS256',
      );
    }
    const add = (alg: string) =>
      addClientWith(t, 'userinfo-cli-rp', ['--userinfo-signed-response-alg', alg]);
    const refused = await add('none');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('userinfo_signed_response_alg must be one of ES256, RS256');
    const added = await add('RS256');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.output)).toMatchObject({
      client_id: 'userinfo-cli-rp',
      userinfo_signed_response_alg: 'RS256',
    });
  });
});
