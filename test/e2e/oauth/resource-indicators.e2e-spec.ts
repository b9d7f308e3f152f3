import { JsonDocumentSite } from '../../support/loopback-server';
import request from 'supertest';
import {
  basic,
  createLoggedInApp,
  exchangeCode,
  obtainCode,
  pkcePair,
  authorizePath,
  clientResponseOf,
  type Agent,
  clientEntry,
  DEMO_CLIENT,
  DEMO_SPA,
  RESOURCE_NOT_ALLOWED,
  getMe,
  introspect,
  codeRequestOf,
} from '../../support/oauth';
import type { TestApp } from '../../support/test-app';
import { register } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';

const CALENDAR = 'https://calendar.example.com/';
const CLIENT = {
  id: 'calendar-app',
  secret: 'calendar-secret',
  redirectUri: 'http://localhost:25003/callback',
};
const OAUTH_CLIENTS = JSON.stringify([
  // Consent has its own spec; here codes are issued straight after login.
  clientEntry(CLIENT, { resources: [CALENDAR], first_party: true }),
]);

/** /authorize of `client` naming `resource`, by a logged-in agent: where the 302 sends it. */
async function redirectOf(
  agent: Agent,
  client: { id: string; redirectUri: string },
  resource: string,
  state: string,
): Promise<URL> {
  const res = await agent
    .get(authorizePath(codeRequestOf(client, { state, resource })))
    .expect(302);
  return new URL(res.headers.location);
}

function audienceOf(accessToken: string): unknown {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).aud;
}

describe('Resource indicators (RFC 8707)', () => {
  let t: TestApp;
  let agent: Agent;
  let api: string;

  beforeAll(async () => {
    ({ t, agent } = await createLoggedInApp({ OAUTH_CLIENTS }));
    api = t.config.tokens.audience;
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  const authorize = (resource?: string) =>
    obtainCode(agent, { client_id: CLIENT.id, redirect_uri: CLIENT.redirectUri, resource });
  const exchange = (code: string, verifier: string, resource?: string) =>
    request(server())
      .post('/token')
      .type('form')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .send({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: CLIENT.redirectUri,
        ...(resource !== undefined ? { resource } : {}),
      });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    request(server())
      .post('/token')
      .type('form')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });

  it('issues a token for the authorized resource: `aud` is the resource', async () => {
    const { code, verifier } = await authorize(CALENDAR);
    const res = await exchange(code, verifier).expect(200);
    expect(audienceOf(res.body.access_token)).toBe(CALENDAR);
  });

  it('accepts the authorized resource named again at /token', async () => {
    const { code, verifier } = await authorize(CALENDAR);
    const res = await exchange(code, verifier, CALENDAR).expect(200);
    expect(audienceOf(res.body.access_token)).toBe(CALENDAR);
  });

  it('defaults to ACCESS_TOKEN_AUDIENCE, which every client may use', async () => {
    const { code, verifier } = await authorize();
    const res = await exchange(code, verifier).expect(200);
    expect(audienceOf(res.body.access_token)).toBe(api);
    const spa = await obtainCode(agent, { resource: api });
    const demo = await exchangeCode(server(), spa.code, spa.verifier).expect(200);
    expect(audienceOf(demo.body.access_token)).toBe(api);
  });

  it('redirects with invalid_target for a resource the client may not use', async () => {
    const location = await redirectOf(agent, DEMO_CLIENT, CALENDAR, 's1');
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('error_description')).toBe(
      RESOURCE_NOT_ALLOWED[DEMO_CLIENT.id],
    );
    expect(location.searchParams.get('state')).toBe('s1');
  });

  it.each([
    ['a relative URI', '/api', 'resource must be absolute URI'],
    ['a fragment', 'https://calendar.example.com/#x', 'resource must not contain a fragment'],
  ])('refuses %s at /authorize with invalid_target', async (_, resource, description) => {
    const location = await redirectOf(agent, CLIENT, resource, 's2');
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('error_description')).toBe(description);
  });

  it('refuses at /token a resource the code did not authorize: 400 invalid_target', async () => {
    const { code, verifier } = await authorize(CALENDAR);
    const res = await exchange(code, verifier, api);
    expectRefusal(res, 400, 'invalid_target', 'resource was not authorized by this grant');
  });

  it('refresh keeps the resource, or narrows to it; another is invalid_target and changes nothing', async () => {
    const { code, verifier } = await authorize(CALENDAR);
    const first = await exchange(code, verifier).expect(200);

    const refused = await refresh(first.body.refresh_token, { resource: api });
    expectRefusal(refused, 400, 'invalid_target', 'resource was not authorized by this grant');

    // The refused request left the refresh token valid (RFC 6749 §5.2).
    const kept = await refresh(first.body.refresh_token).expect(200);
    expect(audienceOf(kept.body.access_token)).toBe(CALENDAR);

    const named = await refresh(kept.body.refresh_token, { resource: CALENDAR }).expect(200);
    expect(audienceOf(named.body.access_token)).toBe(CALENDAR);
  });

  it('/api/me refuses a token for another resource; introspection still describes it', async () => {
    const { code, verifier } = await authorize(CALENDAR);
    const token = (await exchange(code, verifier).expect(200)).body.access_token as string;

    const me = await getMe(t, token);
    expectRefusal(me, 401, 'invalid_token', 'The access token is for another resource');
    expect(me.headers['www-authenticate']).toContain('error="invalid_token"');

    const introspection = await introspect(t, token, CLIENT).expect(200);
    expect(introspection.body).toMatchObject({ active: true, aud: CALENDAR });
  });

  it("/userinfo refuses an openid grant's token for another resource, as /api/me does", async () => {
    // OpenID Connect Core §5.3: the UserInfo endpoint is a resource of this server; a token whose
    // `aud` is another resource (RFC 8707) is not for it (docs/ENDPOINTS.md, docs/OAUTH.md).
    const { code, verifier } = await obtainCode(agent, {
      client_id: CLIENT.id,
      redirect_uri: CLIENT.redirectUri,
      scope: 'openid profile',
      resource: CALENDAR,
    });
    const token = (await exchange(code, verifier).expect(200)).body.access_token as string;
    expect(audienceOf(token)).toBe(CALENDAR);

    const info = await t.http().get('/userinfo').set('Authorization', `Bearer ${token}`);
    expectRefusal(info, 401, 'invalid_token', 'The access token is for another resource');
    expect(info.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });
});

/**
 * Issue #12: a public client that registered itself (RFC 7591, or a client ID metadata document)
 * has no configured `resources`; REGISTERED_CLIENT_RESOURCES says what it may name instead.
 */
describe('Resource indicators of self-registered public clients (REGISTERED_CLIENT_RESOURCES)', () => {
  const CALLBACK = 'http://127.0.0.1:53682/callback';
  const MCP_SERVER = 'https://mcp.example.com/mcp';

  async function registerPublicClient(t: TestApp): Promise<string> {
    const res = await register(t, {
      redirect_uris: [CALLBACK],
      client_name: 'Registered MCP client',
      token_endpoint_auth_method: 'none',
    }).expect(201);
    return res.body.client_id as string;
  }

  /**
   * /authorize for a registered client as a logged-in user: the consent screen (Allow) on the
   * way, then the redirect. Resolves to the redirect and the consent page as served.
   */
  async function authorizeRegistered(agent: Agent, clientId: string, resource: string) {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({
      client_id: clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      state: 'r1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource,
    });
    let res = await agent.get(path);
    let consentPage: string | undefined;
    if (res.status === 200) {
      consentPage = res.text;
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(res.text)![1];
      await agent
        .post('/consent')
        .type('form')
        .send({ decision: 'allow', csrf_token: csrf, return_to: path })
        .expect(303);
      res = await agent.get(path);
    }
    // An error of a self-registered client is a page that links back (RFC 9700 §4.11.2).
    return { location: clientResponseOf(res), verifier, consentPage };
  }

  describe('with the default (https)', () => {
    let t: TestApp;
    let agent: Agent;
    let clientId: string;

    beforeAll(async () => {
      ({ t, agent } = await createLoggedInApp({ RATE_LIMIT_REGISTER_PER_IP: '1000' }));
      clientId = await registerPublicClient(t);
    });
    afterAll(() => t.close());

    it('gets a token whose aud is the https resource it named, after the user saw it on the consent screen', async () => {
      const { location, verifier, consentPage } = await authorizeRegistered(
        agent,
        clientId,
        MCP_SERVER,
      );
      expect(consentPage).toContain(`<code data-resource="${MCP_SERVER}">${MCP_SERVER}</code>`);
      const code = location.searchParams.get('code')!;
      const res = await exchangeCode(t.app.getHttpServer(), code, verifier, {
        id: clientId,
        redirectUri: CALLBACK,
      }).expect(200);
      expect(audienceOf(res.body.access_token)).toBe(MCP_SERVER);
    });

    it('asks again before a remembered client gets tokens for another resource', async () => {
      const other = await registerPublicClient(t);
      const first = await authorizeRegistered(agent, other, MCP_SERVER);
      expect(first.consentPage).toBeDefined();
      // Remembered for this resource and scope: straight to the code.
      const again = await authorizeRegistered(agent, other, MCP_SERVER);
      expect(again.consentPage).toBeUndefined();
      expect(again.location.searchParams.get('code')).toBeTruthy();
      // Another server: the user is asked, and shown that server.
      const elsewhere = await authorizeRegistered(agent, other, 'https://files.example.com/mcp');
      expect(elsewhere.consentPage).toContain(
        '<code data-resource="https://files.example.com/mcp">https://files.example.com/mcp</code>',
      );
      expect(elsewhere.location.searchParams.get('code')).toBeTruthy();
    });

    it("shows no resource on the consent screen for Proofgate's own API", async () => {
      const other = await registerPublicClient(t);
      const { location, consentPage } = await authorizeRegistered(
        agent,
        other,
        t.config.tokens.audience,
      );
      expect(consentPage).toBeDefined();
      expect(consentPage).not.toContain('data-resource');
      expect(location.searchParams.get('code')).toBeTruthy();
    });

    it.each([
      [
        'plain http on a non-loopback host',
        'http://mcp.example.com/mcp',
        'resource must be an https: URI for a registered client',
      ],
      [
        'another scheme',
        'urn:example:calendar',
        'resource must be an https: URI for a registered client',
      ],
      ['a fragment', 'https://mcp.example.com/mcp#x', 'resource must not contain a fragment'],
    ])('refuses %s with invalid_target', async (_, resource, description) => {
      const { location } = await authorizeRegistered(agent, clientId, resource);
      expect(location.searchParams.get('error')).toBe('invalid_target');
      expect(location.searchParams.get('error_description')).toBe(description);
    });

    it('allows http on a loopback host outside production (a resource server on this machine)', async () => {
      const { location } = await authorizeRegistered(agent, clientId, 'http://127.0.0.1:3001/mcp');
      expect(location.searchParams.get('code')).toBeTruthy();
    });

    it('leaves configured clients to their `resources`: a configured public client still gets invalid_target', async () => {
      const location = await redirectOf(agent, DEMO_SPA, MCP_SERVER, 's1');
      expect(location.searchParams.get('error')).toBe('invalid_target');
      expect(location.searchParams.get('error_description')).toBe(
        RESOURCE_NOT_ALLOWED[DEMO_SPA.id],
      );
    });
  });

  /**
   * Issue #19, item 11: an access token's `aud` is its resource, an ID token's `aud` its client's
   * id. A resource that is a client's id (here a client ID metadata document's URL) would give
   * the attacker's client a token carrying the victim client's `aud`.
   */
  describe("a resource that is another client's id", () => {
    let t: TestApp;
    let agent: Agent;
    const site = new JsonDocumentSite();
    let base: string;
    const documentAt = (path: string) => ({
      client_id: `${base}${path}`,
      client_name: 'Victim relying party',
      redirect_uris: ['http://127.0.0.1:61234/callback'],
      token_endpoint_auth_method: 'none',
    });

    beforeAll(async () => {
      base = await site.listen();
      // Documents on 127.0.0.1: private addresses allowed, as in the metadata document spec.
      ({ t, agent } = await createLoggedInApp({
        CLIENT_METADATA_ALLOW_PRIVATE: 'true',
        RATE_LIMIT_REGISTER_PER_IP: '1000',
      }));
    });
    afterAll(async () => {
      await t.close();
      await site.close();
    });

    it('is refused at /authorize with invalid_target', async () => {
      site.documents.set('/client.json', documentAt('/client.json'));
      const attacker = await registerPublicClient(t);
      const { location, consentPage } = await authorizeRegistered(
        agent,
        attacker,
        `${base}/client.json`,
      );
      expect(consentPage).toBeUndefined();
      expect(location.searchParams.get('code')).toBeNull();
      expect(location.searchParams.get('error')).toBe('invalid_target');
      expect(location.searchParams.get('error_description')).toBe(
        'resource must not be the client_id of a client',
      );
    });

    it('is refused at /token when the document appeared after /authorize', async () => {
      const attacker = await registerPublicClient(t);
      // No document there yet (404, remembered 30 s): /authorize lets the resource through.
      const { location, verifier } = await authorizeRegistered(
        agent,
        attacker,
        `${base}/late.json`,
      );
      const code = location.searchParams.get('code')!;
      site.documents.set('/late.json', documentAt('/late.json'));
      t.clock.advance(31);
      const res = await exchangeCode(t.app.getHttpServer(), code, verifier, {
        id: attacker,
        redirectUri: CALLBACK,
      });
      expectRefusal(res, 400, 'invalid_target', 'resource must not be the client_id of a client');
    });

    it('still allows a resource that is no client (the URL serves no metadata document)', async () => {
      const client = await registerPublicClient(t);
      const { location, verifier } = await authorizeRegistered(agent, client, `${base}/mcp`);
      const res = await exchangeCode(
        t.app.getHttpServer(),
        location.searchParams.get('code')!,
        verifier,
        { id: client, redirectUri: CALLBACK },
      ).expect(200);
      expect(audienceOf(res.body.access_token)).toBe(`${base}/mcp`);
    });
  });

  describe('with REGISTERED_CLIENT_RESOURCES=none', () => {
    let t: TestApp;
    let agent: Agent;

    beforeAll(async () => {
      ({ t, agent } = await createLoggedInApp({ REGISTERED_CLIENT_RESOURCES: 'none' }));
    });
    afterAll(() => t.close());

    it('refuses any resource but the default with invalid_target', async () => {
      const clientId = await registerPublicClient(t);
      const refused = await authorizeRegistered(agent, clientId, MCP_SERVER);
      expect(refused.location.searchParams.get('error')).toBe('invalid_target');
      expect(refused.location.searchParams.get('error_description')).toBe(
        'resource is not allowed for this client',
      );
      const { location, verifier } = await authorizeRegistered(
        agent,
        clientId,
        t.config.tokens.audience,
      );
      const res = await exchangeCode(
        t.app.getHttpServer(),
        location.searchParams.get('code')!,
        verifier,
        { id: clientId, redirectUri: CALLBACK },
      ).expect(200);
      expect(audienceOf(res.body.access_token)).toBe(t.config.tokens.audience);
    });
  });
});
