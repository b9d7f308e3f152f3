/**
 * RFC 6749 §4.4 client credentials at POST /token, driven by oauth4webapi and the MCP SDK's
 * ClientCredentialsProvider: machine clients register (RFC 7591, with no redirect URI), get a
 * token whose subject is the client itself (RFC 9068), within their resources and scopes; the
 * resource server, introspection and revocation treat such a token sensibly; every refusal
 * carries its RFC code.
 */
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { fetchToken, registerClient } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { basic, unsupportedScope, getMe, introspect } from '../../support/oauth';
import { dpopKey, signProof } from '../../support/dpop';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { expectRefusal } from '../../support/refusal';
import { useListeningApp } from '../../support/use-test-app';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-client-credentials-spec';
const MACHINE = { id: 'machine', secret: 'machine-secret-1234' };
const BOUND = { id: 'bound-machine', secret: 'bound-machine-secret-1234' };
const CALENDAR = 'https://calendar.example.com/';

describe('client_credentials (RFC 6749 §4.4)', () => {
  const t = useListeningApp({
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    RATE_LIMIT_REGISTER_PER_IP: '1000',
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: MACHINE.id,
        client_secret: MACHINE.secret,
        grant_types: ['client_credentials'],
        resources: [CALENDAR],
      },
      {
        client_id: BOUND.id,
        client_secret: BOUND.secret,
        grant_types: ['client_credentials'],
        dpop_bound_access_tokens: true,
      },
    ]),
  });
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    as = await discover(t.issuer);
  });

  const form = () => t.http().post('/token').type('form');

  async function clientToken(
    client: { id: string; secret: string },
    parameters: Record<string, string> = {},
  ): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: client.id },
      oauth.ClientSecretBasic(client.secret),
      parameters,
      INSECURE,
    );
    return oauth.processClientCredentialsResponse(as, { client_id: client.id }, response);
  }

  it('lists the grant in the metadata', () => {
    expect(as.grant_types_supported).toContain('client_credentials');
  });

  it('gives a configured client a token for itself: sub = client_id, no user, no refresh or ID token', async () => {
    const tokens = await clientToken(MACHINE);
    expect(tokens).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
      scope: 'api',
    });
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      iss: t.issuer,
      sub: MACHINE.id,
      client_id: MACHINE.id,
      aud: t.config.tokens.audience,
      scope: 'api',
    });
    expect(claims.auth_method).toBeUndefined();
    expect(claims.auth_time).toBeUndefined();
  });

  it('names one of its resources as the audience (RFC 8707)', async () => {
    const tokens = await clientToken(MACHINE, { resource: CALENDAR, scope: 'api' });
    expect(decodeJwt(tokens.access_token).aud).toBe(CALENDAR);
  });

  it('introspects it with client_id and sub, /api/me refuses it 403, and revoking ends it', async () => {
    const tokens = await clientToken(MACHINE);
    const introspected = await introspect(t, tokens.access_token, MACHINE).expect(200);
    expect(introspected.body).toMatchObject({
      active: true,
      client_id: MACHINE.id,
      sub: MACHINE.id,
      scope: 'api',
      token_type: 'Bearer',
    });
    expect(introspected.body.auth_method).toBeUndefined();

    const me = await getMe(t, tokens.access_token);
    expectRefusal(
      me,
      403,
      'insufficient_scope',
      'The access token names no user: it was issued to the client itself (client_credentials)',
    );
    expect(me.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope"/);
    // RFC 9728 §5.1: named as every other refusal of /api/me names it.
    expect(me.headers['www-authenticate']).toContain(
      `resource_metadata="${t.config.server.issuer}/.well-known/oauth-protected-resource/api"`,
    );

    await t
      .http()
      .post('/revoke')
      .type('form')
      .set('Authorization', basic(MACHINE.id, MACHINE.secret))
      .send({ token: tokens.access_token })
      .expect(200);
    const after = await introspect(t, tokens.access_token, MACHINE).expect(200);
    expect(after.body).toEqual({ active: false });
    const revoked = await getMe(t, tokens.access_token).expect(401);
    expect(revoked.body.error).toBe('invalid_token');
  });

  it('binds the token to a DPoP key when a proof comes, and requires one of a dpop_bound_access_tokens client', async () => {
    const key = await dpopKey();
    const bound = await form()
      .set('Authorization', basic(MACHINE.id, MACHINE.secret))
      .set('DPoP', await signProof(key, { htu: `${t.issuer}/token` }))
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expect(bound.body.token_type).toBe('DPoP');
    expect(decodeJwt(bound.body.access_token as string).cnf).toEqual({ jkt: key.jkt });

    const refused = await form()
      .set('Authorization', basic(BOUND.id, BOUND.secret))
      .send({ grant_type: 'client_credentials' });
    expectRefusal(
      refused,
      400,
      'invalid_request',
      'This client must send a DPoP proof with its token requests',
    );
    const proven = await form()
      .set('Authorization', basic(BOUND.id, BOUND.secret))
      .set('DPoP', await signProof(key, { htu: `${t.issuer}/token` }))
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expect(proven.body.token_type).toBe('DPoP');
  });

  it.each([
    [
      'a user scope',
      { scope: 'api account' },
      'invalid_scope',
      "The client may ask only for api for itself; not account (a user's scope)",
    ],
    [
      'openid',
      { scope: 'openid' },
      'invalid_scope',
      "The client may ask only for api for itself; not openid (a user's scope)",
    ],
    ['an unknown scope', { scope: 'admin' }, 'invalid_scope', unsupportedScope('admin')],
    [
      'a resource not among its own',
      { resource: 'https://other.example.com/' },
      'invalid_target',
      'resource is not allowed for this client',
    ],
  ])('refuses %s', async (_, parameters, error, description) => {
    const res = await form()
      .set('Authorization', basic(MACHINE.id, MACHINE.secret))
      .send({ grant_type: 'client_credentials', ...parameters })
      .expect(400);
    expect(res.body).toEqual({ error, error_description: description });
  });

  it('refuses a confidential client not registered for it, and a public client: unauthorized_client', async () => {
    const confidential = await form()
      .set('Authorization', basic('demo-client', 'demo-secret'))
      .send({ grant_type: 'client_credentials' });
    expectRefusal(
      confidential,
      400,
      'unauthorized_client',
      'The client is not registered for the client_credentials grant type',
    );
    const publicClient = await form().send({
      grant_type: 'client_credentials',
      client_id: 'demo-spa',
    });
    expectRefusal(
      publicClient,
      400,
      'unauthorized_client',
      'The client is not registered for the client_credentials grant type',
    );
    // A wrong secret is the authentication's refusal, before any grant is considered.
    const wrong = await form()
      .set('Authorization', basic(MACHINE.id, 'wrong-secret'))
      .send({ grant_type: 'client_credentials' })
      .expect(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('refuses a public client registering for it (RFC 7591), and redirect URIs with it', async () => {
    const publicClient = await t
      .http()
      .post('/register')
      .send({
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'none',
        redirect_uris: [],
      });
    expectRefusal(
      publicClient,
      400,
      'invalid_client_metadata',
      'grant_types client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
    );
    const withRedirect = await t
      .http()
      .post('/register')
      .set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`)
      .send({ grant_types: ['client_credentials'], redirect_uris: ['https://app.example/cb'] });
    expectRefusal(
      withRedirect,
      400,
      'invalid_redirect_uri',
      'redirect_uris must be empty: none of the grant types uses the authorization endpoint',
    );
  });

  it("registers a machine client the MCP SDK's way and gets a token with its ClientCredentialsProvider", async () => {
    const sdkFetch: FetchLike = (url, init) => {
      // RFC 7591 §3: a confidential client registers with the initial access token.
      const headers = new Headers(init?.headers);
      if (String(url).endsWith('/register')) {
        headers.set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`);
      }
      return fetch(url, { ...init, headers });
    };
    const template = new ClientCredentialsProvider({
      clientId: 'unregistered',
      clientSecret: 'unregistered',
      clientName: 'Nightly sync agent',
      expectedIssuer: t.issuer,
    });
    const registered = await registerClient(t.issuer, {
      clientMetadata: template.clientMetadata,
      fetchFn: sdkFetch,
    });
    expect(registered).toMatchObject({
      client_id: expect.stringMatching(/^dcr_/),
      client_secret: expect.any(String),
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });

    const provider = new ClientCredentialsProvider({
      clientId: registered.client_id,
      clientSecret: registered.client_secret!,
      expectedIssuer: t.issuer,
    });
    const resource = new URL('https://mcp.example.com/mcp');
    const tokens = await fetchToken(provider, t.issuer, { resource, fetchFn: sdkFetch });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toBeUndefined();
    // REGISTERED_CLIENT_RESOURCES (https) applies to a self-registered confidential client.
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: registered.client_id,
      client_id: registered.client_id,
      aud: resource.href,
    });

    const plainHttp = await form()
      .set('Authorization', basic(registered.client_id, registered.client_secret!))
      .send({ grant_type: 'client_credentials', resource: 'http://mcp.example.com/mcp' });
    expectRefusal(
      plainHttp,
      400,
      'invalid_target',
      'resource must be an https: URI for a registered client',
    );
  });
});
