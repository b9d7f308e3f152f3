/**
 * RFC 9126 pushed authorization requests, driven by oauth4webapi's pushedAuthorizationRequest for
 * a public and a confidential client; then each refusal of a request_uri on its own: reused, used
 * by another client, expired, unknown; a request_uri started in time that outlives its expires_in
 * on the login and consent pages; and the `require_pushed_authorization_requests` settings.
 */
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { TestApp, createTestApp } from '../../support/test-app';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  basic,
  login,
  pkcePair,
  pushAuthorizationRequest,
  type Agent,
  UNREGISTERED_REDIRECT,
  codeRequestOf,
  exchangeCode,
} from '../../support/oauth';
import { HELD_REQUEST_TTL_SECONDS } from '../../../src/oauth/authorize/held-authorization-request';
import { authorizeInBrowser, dpopKey, signProof } from '../../support/dpop';
import { expectRefusal } from '../../support/refusal';
import { INSECURE, codeRequest, discover, redeemCode } from '../../support/oauth-discovery';
import { consentForm } from '../../support/fetch-browser';
import { useTestApp } from '../../support/use-test-app';
import { useListeningApp } from '../../support/use-test-app';

/** A public client that must push its requests (RFC 9126 §6), configured at boot. */
const PUSHER = { id: 'pusher', redirectUri: 'http://127.0.0.1:25011/callback' };
/** A client that is not first-party: its users see the consent screen. */
const THIRD_PARTY = { id: 'third-party', redirectUri: 'http://127.0.0.1:25012/callback' };
const CLIENTS = JSON.stringify([
  {
    client_id: PUSHER.id,
    redirect_uris: [PUSHER.redirectUri],
    first_party: true,
    require_pushed_authorization_requests: true,
  },
  { client_id: THIRD_PARTY.id, redirect_uris: [THIRD_PARTY.redirectUri] },
]);

describe('PAR with oauth4webapi (RFC 9126)', () => {
  const t = useListeningApp();
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    as = await discover(t.issuer);
  });

  it('advertises the endpoint (RFC 9126 §5)', () => {
    expect(as.pushed_authorization_request_endpoint).toBe(`${t.issuer}/par`);
    expect(as.require_pushed_authorization_requests).toBe(false);
  });

  async function pushAndSignIn(
    client: oauth.Client,
    auth: oauth.ClientAuth,
    redirectUri: string,
    options: oauth.PushedAuthorizationRequestOptions = {},
  ) {
    const { parameters, verifier, state } = await codeRequest(redirectUri);
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(as, client, auth, parameters, {
        ...options,
        ...INSECURE,
      }),
    );
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(pushed.expires_in).toBe(60);
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      request_uri: pushed.request_uri,
    }).toString();
    // The front channel carries two parameters; the browser signs in with only those.
    const callback = await authorizeInBrowser(url, t.issuer);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    return { authorized: { params, verifier, redirectUri }, url };
  }

  it('a confidential client pushes its request, the user signs in, the code is exchanged', async () => {
    const client: oauth.Client = { client_id: DEMO_CLIENT.id };
    const auth = oauth.ClientSecretBasic(DEMO_CLIENT.secret);
    const { authorized, url } = await pushAndSignIn(client, auth, DEMO_CLIENT.redirectUri);
    const tokens = await redeemCode(as, client, auth, authorized);
    expect(tokens.scope).toBe('profile');
    // The request_uri yielded its one code: used again, it is refused (a page, no redirect).
    const again = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: 'invalid_request_uri',
      error_description: 'request_uri was already used',
    });
  });

  it('a public client pushes with a DPoP proof: the code is bound to its key (RFC 9449 §10.1)', async () => {
    const client: oauth.Client = { client_id: DEMO_SPA.id };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const { authorized } = await pushAndSignIn(client, oauth.None(), DEMO_SPA.redirectUri, {
      DPoP,
    });
    const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const redeem = (key: oauth.DPoPHandle) =>
      redeemCode(as, client, oauth.None(), authorized, {
        DPoP: key,
      });
    await expect(redeem(other)).rejects.toMatchObject({ error: 'invalid_grant' });
    const tokens = await redeem(DPoP);
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: await DPoP.calculateThumbprint() });
  });

  it('checks the pushed request as /authorize would, answering JSON errors (RFC 9126 §2.3)', async () => {
    const client: oauth.Client = { client_id: DEMO_SPA.id };
    const push = async (parameters: Record<string, string>) =>
      oauth.processPushedAuthorizationResponse(
        as,
        client,
        await oauth.pushedAuthorizationRequest(as, client, oauth.None(), parameters, INSECURE),
      );
    const base = {
      redirect_uri: DEMO_SPA.redirectUri,
      response_type: 'code',
      state: 'xyz',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    };
    await expect(
      push({ ...base, redirect_uri: 'http://127.0.0.1:1/elsewhere' }),
    ).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: UNREGISTERED_REDIRECT[DEMO_SPA.id],
    });
    await expect(push({ ...base, code_challenge_method: 'plain' })).rejects.toMatchObject({
      error: 'invalid_request',
    });
    await expect(push({ ...base, scope: 'root' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    await expect(push({ ...base, response_mode: 'fragment' })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description:
        'Unsupported response_mode: fragment (this server answers in the query only: response_modes_supported)',
    });
  });
});

describe('request_uri refusals at /authorize', () => {
  let t: TestApp;
  let agent: Agent;

  beforeAll(async () => {
    t = await createTestApp({ OAUTH_CLIENTS: CLIENTS });
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(() => t.close());

  function authorize(clientId: string, requestUri?: string, extra: Record<string, string> = {}) {
    const query = new URLSearchParams({
      client_id: clientId,
      ...(requestUri === undefined ? {} : { request_uri: requestUri }),
      ...extra,
    });
    return agent.get(`/authorize?${query.toString()}`).set('Accept', 'application/json');
  }

  const expectPage = (res: request.Response, error: string, description: string) =>
    expectRefusal(res, 400, error, description);

  it('uses the pushed parameters and ignores those of the front channel', async () => {
    const uri = await pushAuthorizationRequest(t);
    const res = await authorize(DEMO_SPA.id, uri, {
      redirect_uri: 'http://127.0.0.1:1/evil',
      state: 'forged',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(location.origin + location.pathname).toBe(DEMO_SPA.redirectUri);
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('refuses a request_uri used twice', async () => {
    const uri = await pushAuthorizationRequest(t);
    expect((await authorize(DEMO_SPA.id, uri)).status).toBe(302);
    expectPage(
      await authorize(DEMO_SPA.id, uri),
      'invalid_request_uri',
      'request_uri was already used',
    );
  });

  it('refuses a request_uri presented by another client, and leaves it to its own', async () => {
    const uri = await pushAuthorizationRequest(t, DEMO_CLIENT);
    expectPage(
      await authorize(DEMO_SPA.id, uri),
      'invalid_request_uri',
      'request_uri was pushed by another client',
    );
    expect((await authorize(DEMO_CLIENT.id, uri)).status).toBe(302);
  });

  it('refuses an expired request_uri', async () => {
    const uri = await pushAuthorizationRequest(t);
    t.clock.advance(61);
    expectPage(await authorize(DEMO_SPA.id, uri), 'invalid_request_uri', 'request_uri expired');
  });

  it('refuses a request_uri it never issued', async () => {
    expectPage(
      await authorize(DEMO_SPA.id, 'urn:ietf:params:oauth:request_uri:nope'),
      'invalid_request_uri',
      'request_uri is not one this server issued',
    );
  });

  it('refuses a pushed request_uri parameter (RFC 9126 §2.1) and a mismatched dpop_jkt', async () => {
    const uri = await pushAuthorizationRequest(t);
    const nested = await t
      .http()
      .post('/par')
      .type('form')
      .send({ client_id: DEMO_SPA.id, request_uri: uri, redirect_uri: DEMO_SPA.redirectUri });
    expectRefusal(nested, 400, 'invalid_request', 'request_uri cannot be pushed');
    const key = await dpopKey();
    const other = await dpopKey();
    const mismatch = await t
      .http()
      .post('/par')
      .type('form')
      // The clock of this app has moved on (the expiry test): the proof follows it.
      .set(
        'DPoP',
        await signProof(key, { htu: `${t.config.server.issuer}/par`, iat: t.clock.nowSeconds() }),
      )
      .send(codeRequestOf(DEMO_SPA, { state: 'st', dpop_jkt: other.jkt }));
    expect(mismatch.body).toEqual({
      error: 'invalid_request',
      error_description: "dpop_jkt is not the thumbprint of the DPoP proof's key",
    });
  });

  it('refuses a confidential client with a wrong secret at /par', async () => {
    const res = await t
      .http()
      .post('/par')
      .type('form')
      .set('Authorization', basic(DEMO_CLIENT.id, 'wrong-secret'))
      .send({ redirect_uri: DEMO_CLIENT.redirectUri });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('keeps a pushed request through the consent screen: Allow, then one code', async () => {
    const uri = await pushAuthorizationRequest(t, THIRD_PARTY, { scope: 'profile openid' });
    const screen = await authorize(THIRD_PARTY.id, uri).set('Accept', 'text/html');
    expect(screen.status).toBe(200);
    expect(screen.text).toContain('<li data-scope="openid">');
    const form = consentForm(screen.text);
    const allowed = await agent
      .post('/consent')
      .type('form')
      .send({ ...form, decision: 'allow' })
      .expect(303);
    const back = await agent.get(allowed.headers.location).expect(302);
    const location = new URL(back.headers.location);
    expect(location.origin + location.pathname).toBe(THIRD_PARTY.redirectUri);
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('code')).toBeTruthy();
    expectPage(
      await authorize(THIRD_PARTY.id, uri),
      'invalid_request_uri',
      'request_uri was already used',
    );
  });

  it('a client registered with require_pushed_authorization_requests must push (RFC 9126 §6)', async () => {
    const { challenge } = pkcePair();
    expectPage(
      await authorize(PUSHER.id, undefined, {
        redirect_uri: PUSHER.redirectUri,
        response_type: 'code',
        state: 'st',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      'invalid_request',
      'Authorization requests must be pushed to /par first (RFC 9126)',
    );
    const pushed = await pushAuthorizationRequest(t, PUSHER);
    expect((await authorize(PUSHER.id, pushed)).status).toBe(302);
    // Others still may send their requests in the front channel.
    expect(
      (
        await authorize(DEMO_SPA.id, undefined, {
          redirect_uri: DEMO_SPA.redirectUri,
          response_type: 'code',
          state: 'st',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        })
      ).status,
    ).toBe(302);
  });
});

describe('a request_uri started in its lifetime lives on through sign-in and consent', () => {
  const t = useTestApp({ OAUTH_CLIENTS: CLIENTS });

  /** DEMO_CLIENT's request pushed with a verifier kept, and its /authorize path. */
  async function push(client: { id: string; secret?: string; redirectUri: string } = DEMO_CLIENT) {
    const { verifier, challenge } = pkcePair();
    const req = t.http().post('/par').type('form');
    if (client.secret) req.set('Authorization', basic(client.id, client.secret));
    const res = await req
      .send({
        ...(client.secret ? {} : { client_id: client.id }),
        ...codeRequestOf(client, { state: 'st', scope: 'openid profile', nonce: 'n-1' }),
        code_challenge: challenge,
      })
      .expect(201);
    expect(res.body.expires_in).toBe(60);
    const requestUri = res.body.request_uri as string;
    const path = `/authorize?${new URLSearchParams({ client_id: client.id, request_uri: requestUri }).toString()}`;
    return { verifier, requestUri, path };
  }

  /** The login page's form, posted `waitSeconds` after the page was shown: where it sends the browser. */
  async function signInAfter(agent: Agent, loginLocation: string, waitSeconds: number) {
    const page = await agent.get(loginLocation).expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
    const returnTo = new URL(loginLocation, 'http://x').searchParams.get('return_to');
    if (!csrf || returnTo === null) throw new Error('no login form');
    t.clock.advance(waitSeconds);
    const posted = await agent
      .post('/login')
      .type('form')
      .send({ username: 'user0', password: 'password0', csrf_token: csrf, return_to: returnTo })
      .expect(303);
    return posted.headers.location;
  }

  const asJson = (res: request.Test) => res.set('Accept', 'application/json');

  it('issues one redeemable code after a sign-in that outlasts expires_in, and refuses a replay', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const { verifier, path } = await push();
    const toLogin = await agent.get(path).expect(302);
    expect(toLogin.headers.location).toMatch(/^\/login\?/);
    // 65 s on the login page: past the request_uri's 60 s, well within the hold's.
    const back = await signInAfter(agent, toLogin.headers.location, 65);
    const answered = await asJson(agent.get(back)).expect(302);
    const callback = new URL(answered.headers.location);
    expect(callback.origin + callback.pathname).toBe(DEMO_CLIENT.redirectUri);
    expect(callback.searchParams.get('state')).toBe('st');
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();
    const tokens = await exchangeCode(t.app.getHttpServer(), code!, verifier).expect(200);
    expect(tokens.body.scope).toBe('openid profile');
    expect(decodeJwt(tokens.body.id_token as string).nonce).toBe('n-1');
    // Single-use still: the request_uri, and the way back, yield no second code.
    expectRefusal(
      await asJson(agent.get(path)),
      400,
      'invalid_request_uri',
      'request_uri was already used',
    );
    expectRefusal(
      await asJson(agent.get(back)),
      400,
      'invalid_request',
      'The authorization request was already answered: start again from the application',
    );
  });

  it('keeps a started request through a consent screen answered after expires_in: one code', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const { verifier, path } = await push(THIRD_PARTY);
    const screen = await agent.get(path).set('Accept', 'text/html').expect(200);
    const form = consentForm(screen.text);
    t.clock.advance(65);
    const allowed = await agent
      .post('/consent')
      .type('form')
      .send({ ...form, decision: 'allow' })
      .expect(303);
    const answered = await asJson(agent.get(allowed.headers.location)).expect(302);
    const code = new URL(answered.headers.location).searchParams.get('code');
    expect(code).toBeTruthy();
    await exchangeCode(t.app.getHttpServer(), code!, verifier, THIRD_PARTY).expect(200);
  });

  it('leaves a started request to its own client only', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const { path } = await push();
    const toLogin = await agent.get(path).expect(302);
    const back = await signInAfter(agent, toLogin.headers.location, 0);
    // The way back, presented for another client: refused, and still the owner's.
    const stolen = back.replace(`client_id=${DEMO_CLIENT.id}`, `client_id=${DEMO_SPA.id}`);
    expect(stolen).not.toBe(back);
    expectRefusal(
      await asJson(agent.get(stolen)),
      400,
      'invalid_request',
      'The pending authorization request is another client’s',
    );
    const answered = await asJson(agent.get(back)).expect(302);
    expect(new URL(answered.headers.location).searchParams.get('code')).toBeTruthy();
  });

  it('still expires a request_uri not started within expires_in', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const started = await push();
    const unstarted = await push();
    const toLogin = await agent.get(started.path).expect(302);
    t.clock.advance(61);
    expectRefusal(
      await asJson(agent.get(unstarted.path)),
      400,
      'invalid_request_uri',
      'request_uri expired',
    );
    // The started one lives only for the hold: past it, the sign-in comes back to nothing.
    t.clock.advance(HELD_REQUEST_TTL_SECONDS);
    const back = await signInAfter(agent, toLogin.headers.location, 0);
    expectRefusal(
      await asJson(agent.get(back)),
      400,
      'invalid_request',
      'The authorization request expired: start again from the application',
    );
  });
});

describe('REQUIRE_PUSHED_AUTHORIZATION_REQUESTS=true', () => {
  const t = useTestApp({ REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: 'true' });

  it('refuses every front-channel request and says so in the metadata', async () => {
    const { challenge } = pkcePair();
    const query = new URLSearchParams({
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
      response_type: 'code',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const res = await t
      .http()
      .get(`/authorize?${query.toString()}`)
      .set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe(
      'Authorization requests must be pushed to /par first (RFC 9126)',
    );
    const metadata = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(metadata.body.require_pushed_authorization_requests).toBe(true);
  });
});
