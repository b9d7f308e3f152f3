/**
 * RFC 8693 token exchange at /token, driven by an independent client (oauth4webapi's
 * genericTokenEndpointRequest): a confidential client registered for the grant (as the admin CLI's
 * `--grant-type` registers it) exchanges one of its own access tokens for a narrower one naming
 * it as the actor; every refusal with its RFC 8693 §2.2.2 error.
 */
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../../../src/protocol-rules/grant-types';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import { addOperatorClient } from '../../support/operator-clients';
import { TestApp, startListeningApp } from '../../support/test-app';
import {
  INSECURE,
  authorizeWithLibrary,
  discover,
  getProtected,
  redeemCode,
} from '../../support/oauth-discovery';

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const REDIRECT_URI = 'http://127.0.0.1:7301/callback';
const EXCHANGER = 'exchanger';
const API = 'https://api.exchange.example/';

describe('token exchange (RFC 8693)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let auth: oauth.ClientAuth;
  const client: oauth.Client = { client_id: EXCHANGER };

  /** A fresh login of user1 through `clientId`, its tokens as the library checked them. */
  async function tokensOf(
    clientId: string,
    clientAuth: oauth.ClientAuth,
    extra: Record<string, string> = {},
    options: oauth.TokenEndpointRequestOptions = {},
  ): Promise<oauth.TokenEndpointResponse> {
    const who = { client_id: clientId };
    const authorized = await authorizeWithLibrary(as, issuer, who, REDIRECT_URI, {
      scope: 'profile api',
      ...extra,
    });
    return redeemCode(as, who, clientAuth, authorized, options);
  }

  function exchange(
    parameters: Record<string, string>,
    by: { client: oauth.Client; auth: oauth.ClientAuth } = { client, auth },
    options: oauth.TokenEndpointRequestOptions = {},
  ): Promise<oauth.TokenEndpointResponse> {
    return oauth
      .genericTokenEndpointRequest(as, by.client, by.auth, TOKEN_EXCHANGE_GRANT_TYPE, parameters, {
        ...options,
        ...INSECURE,
      })
      .then((response) => oauth.processGenericTokenEndpointResponse(as, by.client, response));
  }

  const subjectOf = (token: string, extra: Record<string, string> = {}) => ({
    subject_token: token,
    subject_token_type: ACCESS_TOKEN_TYPE,
    ...extra,
  });

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp());
    as = await discover(issuer);
    const registered = {
      redirectUris: [REDIRECT_URI],
      firstParty: true,
      grantTypes: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT_TYPE],
      resources: [API],
    };
    auth = oauth.ClientSecretBasic(
      (await addOperatorClient(t, { clientId: EXCHANGER, ...registered }))!,
    );
    // A public client cannot even register the grant (src/protocol-rules/grant-types.ts).
    await expect(
      addOperatorClient(t, { clientId: 'public-exchanger', ...registered, public: true }),
    ).rejects.toThrow(
      `grant_types ${TOKEN_EXCHANGE_GRANT_TYPE} is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it`,
    );
    await addOperatorClient(t, {
      clientId: 'public-exchanger',
      ...registered,
      grantTypes: ['authorization_code', 'refresh_token'],
      public: true,
    });
  });
  afterAll(() => t.close());

  it('lists the grant type in the metadata', () => {
    expect(as.grant_types_supported).toContain(TOKEN_EXCHANGE_GRANT_TYPE);
  });

  it('exchanges a token for a narrower one naming the client as actor, without a refresh token', async () => {
    const subject = await tokensOf(EXCHANGER, auth);
    const exchanged = await exchange(subjectOf(subject.access_token, { scope: 'profile' }));
    expect(exchanged).toMatchObject({
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'bearer',
      scope: 'profile',
    });
    expect(exchanged.refresh_token).toBeUndefined();
    const before = decodeJwt(subject.access_token);
    const claims = decodeJwt(exchanged.access_token);
    expect(claims).toMatchObject({
      sub: 'user1',
      client_id: EXCHANGER,
      aud: before.aud,
      scope: 'profile',
      gid: before.gid,
      act: { sub: EXCHANGER },
    });
    expect(claims.jti).not.toBe(before.jti);
    // It never outlives the token it was made from.
    expect(claims.exp).toBe(before.exp);
    expect(exchanged.expires_in).toBeLessThanOrEqual(before.exp! - claims.iat!);

    const me = await getProtected(exchanged.access_token, `${issuer}/api/me`);
    expect(me.status).toBe(200);
    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, exchanged.access_token, INSECURE),
    );
    expect(introspected).toMatchObject({ active: true, sub: 'user1', act: { sub: EXCHANGER } });

    // Exchanged again (same scope when none is asked): the earlier actor stays, nested.
    const again = await exchange(subjectOf(exchanged.access_token));
    expect(again.scope).toBe('profile');
    expect(decodeJwt(again.access_token).act).toEqual({
      sub: EXCHANGER,
      act: { sub: EXCHANGER },
    });
  });

  it("carries the subject token's acr and auth_time, and adds none it did not have", async () => {
    const login = await tokensOf(EXCHANGER, auth);
    const claims = decodeJwt(login.access_token);
    const exchangedPlain = await exchange(subjectOf(login.access_token, { scope: 'profile' }));
    // A password sign-in's acr, as the subject token says it.
    expect(claims.acr).toBe('urn:proofgate:acr:1fa');
    expect(decodeJwt(exchangedPlain.access_token).acr).toBe(claims.acr);
    expect(decodeJwt(exchangedPlain.access_token).auth_time).toBe(claims.auth_time);
    // The same grant's token after a passkey sign-in (what step-up's acr_values=phr yields).
    const stepped = await t.app.get(AccessTokenService).sign({
      audience: String(claims.aud),
      sub: String(claims.sub),
      clientId: EXCHANGER,
      scope: String(claims.scope),
      authMethod: 'passkey',
      grantId: String(claims.gid),
      authTime: Number(claims.auth_time),
      acr: 'phr',
    });
    const exchanged = await exchange(subjectOf(stepped.token, { scope: 'profile' }));
    expect(decodeJwt(exchanged.access_token)).toMatchObject({
      acr: 'phr',
      auth_time: claims.auth_time,
      act: { sub: EXCHANGER },
    });
  });

  it('refuses a broader scope than the subject token has (invalid_scope)', async () => {
    const subject = await tokensOf(EXCHANGER, auth);
    const narrowed = await exchange(subjectOf(subject.access_token, { scope: 'profile' }));
    await expect(
      exchange(subjectOf(narrowed.access_token, { scope: 'profile api' })),
    ).rejects.toMatchObject({
      error: 'invalid_scope',
      error_description: 'The requested scope exceeds the scope of the subject token',
    });
  });

  it("keeps to the subject token's grant's resource: that one by resource or audience, another invalid_target", async () => {
    const subject = await tokensOf(EXCHANGER, auth, { resource: API });
    const byResource = await exchange(subjectOf(subject.access_token, { resource: API }));
    expect(decodeJwt(byResource.access_token).aud).toBe(API);
    const byAudience = await exchange(subjectOf(subject.access_token, { audience: API }));
    expect(decodeJwt(byAudience.access_token).aud).toBe(API);
    // The client may use the default API, but this grant did not authorize it.
    await expect(
      exchange(subjectOf(subject.access_token, { resource: `${issuer}/api` })),
    ).rejects.toMatchObject({
      error: 'invalid_target',
      error_description: 'resource was not authorized by this grant',
    });
    await expect(
      exchange(subjectOf(subject.access_token, { audience: 'https://elsewhere.example/' })),
    ).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('refuses other token types, a missing subject token and actor tokens (invalid_request)', async () => {
    const subject = await tokensOf(EXCHANGER, auth);
    const cases: [Record<string, string>, string][] = [
      [
        {
          ...subjectOf(subject.access_token),
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        },
        `subject_token_type must be ${ACCESS_TOKEN_TYPE}: only Proofgate access tokens are exchanged`,
      ],
      [
        subjectOf(subject.access_token, {
          requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
        }),
        `requested_token_type must be ${ACCESS_TOKEN_TYPE}: only access tokens are issued`,
      ],
      [{ subject_token_type: ACCESS_TOKEN_TYPE }, 'subject_token is required'],
      [{ subject_token: subject.access_token }, 'subject_token_type is required'],
      [
        subjectOf(subject.access_token, {
          actor_token: subject.access_token,
          actor_token_type: ACCESS_TOKEN_TYPE,
        }),
        'actor_token is not supported: the acting party is the authenticated client',
      ],
      [subjectOf(`${subject.access_token.slice(0, -4)}AAAA`), 'subject_token is invalid'],
      [subjectOf(subject.refresh_token!), 'subject_token is invalid'],
    ];
    for (const [parameters, description] of cases) {
      await expect(exchange(parameters)).rejects.toMatchObject({
        error: 'invalid_request',
        error_description: description,
      });
    }
  });

  it('refuses a token issued to another client, and clients not allowed the grant', async () => {
    const demo = {
      client: { client_id: 'demo-client' },
      auth: oauth.ClientSecretBasic('demo-secret'),
    };
    const authorized = await authorizeWithLibrary(
      as,
      issuer,
      demo.client,
      'http://localhost:25001/callback',
      { scope: 'profile' },
    );
    const othersToken = await redeemCode(as, demo.client, demo.auth, authorized);
    await expect(exchange(subjectOf(othersToken.access_token))).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'subject_token was not issued to this client',
    });
    // A client registered without the grant (demo-client has the browser grants only).
    await expect(exchange(subjectOf(othersToken.access_token), demo)).rejects.toMatchObject({
      error: 'unauthorized_client',
      error_description: `The client is not registered for the ${TOKEN_EXCHANGE_GRANT_TYPE} grant type`,
    });
    // A public client cannot be named as an actor (nothing proves who it is): it cannot
    // register the grant, so it is refused as any client without it.
    const publicClient = { client: { client_id: 'public-exchanger' }, auth: oauth.None() };
    await expect(exchange(subjectOf(othersToken.access_token), publicClient)).rejects.toMatchObject(
      {
        error: 'unauthorized_client',
        error_description: `The client is not registered for the ${TOKEN_EXCHANGE_GRANT_TYPE} grant type`,
      },
    );
  });

  it("ends the exchanged token with the subject token's grant, and refuses to exchange a revoked token", async () => {
    const subject = await tokensOf(EXCHANGER, auth);
    const exchanged = await exchange(subjectOf(subject.access_token));
    // Revoking the refresh token revokes its grant (RFC 7009 §2.1), and every token of it.
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, subject.refresh_token!, INSECURE),
    );
    await expect(getProtected(exchanged.access_token, `${issuer}/api/me`)).rejects.toMatchObject({
      response: { status: 401 },
    });
    await expect(exchange(subjectOf(subject.access_token))).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'subject_token has been revoked',
    });
  });

  it('binds the exchanged token to the DPoP key sent, and asks for the key of a bound subject token', async () => {
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const subject = await tokensOf(EXCHANGER, auth, {}, { DPoP });
    expect(subject.token_type).toBe('dpop');
    await expect(exchange(subjectOf(subject.access_token))).rejects.toMatchObject({
      error: 'invalid_request',
      error_description:
        'subject_token is DPoP-bound: send a DPoP proof of its key with the exchange',
    });
    const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    await expect(
      exchange(subjectOf(subject.access_token), { client, auth }, { DPoP: other }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
    const exchanged = await exchange(subjectOf(subject.access_token), { client, auth }, { DPoP });
    expect(exchanged.token_type).toBe('dpop');
    expect(decodeJwt(exchanged.access_token).cnf).toEqual(decodeJwt(subject.access_token).cnf);
  });

  // Last: it moves the clock past every token issued so far.
  it('refuses an expired subject token (invalid_request)', async () => {
    const subject = await tokensOf(EXCHANGER, auth);
    t.clock.advance(t.config.tokens.accessTokenTtlSeconds + 60);
    await expect(exchange(subjectOf(subject.access_token))).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'subject_token expired',
    });
  });
});
