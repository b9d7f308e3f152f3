/**
 * Request objects passed by reference (OpenID Connect Core §6.2, RFC 9101 §5.2): a `request_uri`
 * the client registered (`request_uris`, Registration §2) is fetched from the client's site (an
 * HTTP server this spec starts on 127.0.0.1, allowed by CLIENT_METADATA_ALLOW_PRIVATE), through
 * the SSRF guard, and its object verified exactly as a `request` parameter is, as the OpenID
 * Foundation's `oidcc-request-uri-unsigned` and `oidcc-request-uri-signed-rs256` send them (with
 * the suite's fragment: a hash of random text, registered with the URL). Refused, with
 * `invalid_request_uri`: a URL the client did not register (never fetched), one that cannot be
 * fetched (404, a redirect, too large, too slow); and, in production, an http URL at
 * registration, and an https one on a loopback address at the fetch (the guard refuses it before
 * connecting). PAR's `request_uri` is told apart and works as before (par.e2e-spec).
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  UnsecuredJWT,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import { addClientWith } from '../../support/admin-cli';
import { consentForm } from '../../support/fetch-browser';
import { closeServer, listenOnLoopback } from '../../support/loopback-server';
import { basic, clientEntry, login, pkcePair, type Agent } from '../../support/oauth';
import { INSECURE } from '../../support/oauth-discovery';
import { register } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';
import { selfSignedCertificate } from '../../support/self-signed-certificate';
import { TestApp, createTestApp, startListeningApp } from '../../support/test-app';

const INITIAL_ACCESS_TOKEN = 'initial-access-token-for-the-request-uri-spec';
const CALLBACK = 'http://127.0.0.1:7540/callback';
const OPERATOR_RP = {
  id: 'request-uri-rp',
  secret: 'request-uri-rp-secret',
  redirectUri: 'http://127.0.0.1:7541/callback',
};

/**
 * The client's site: `objects` answered at their paths as `application/oauth-authz-req+jwt`,
 * `/big` more than 16 KiB, `/moved` a redirect to another object, `/slow` never; every request
 * counted by path (a fetch that never came shows as none).
 */
class RequestObjectSite {
  readonly objects = new Map<string, string>();
  readonly hits = new Map<string, number>();
  private readonly server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    if (path === '/big') return void res.end('a'.repeat(17 * 1024));
    if (path === '/moved') {
      return void res.writeHead(302, { location: '/requests/unsigned' }).end();
    }
    if (path === '/slow') return; // held open until the site closes
    const object = this.objects.get(path);
    if (object === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' }).end(`${object}\n`);
  });
  origin = '';

  async listen(): Promise<string> {
    this.origin = await listenOnLoopback(this.server);
    return this.origin;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return closeServer(this.server);
  }
}

/** The fragment the conformance suite registers: the SHA-256 of random text, not of the object. */
const suiteFragment = () => createHash('sha256').update(randomUUID()).digest('base64url');

describe('request objects by reference: registered request_uris, fetched (OpenID Connect Core §6.2)', () => {
  const site = new RequestObjectSite();
  let t: TestApp;
  let issuer: string;
  let agent: Agent;
  let rs256: { privateKey: CryptoKey; jwk: Record<string, unknown> };

  beforeAll(async () => {
    await site.listen();
    const pair = await generateKeyPair('RS256', { extractable: true });
    rs256 = {
      privateKey: pair.privateKey,
      jwk: { ...(await exportJWK(pair.publicKey)), kid: 'rp-rs256', alg: 'RS256', use: 'sig' },
    };
    ({ t, issuer } = await startListeningApp({
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
      CLIENT_METADATA_ALLOW_PRIVATE: 'true',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      OAUTH_CLIENTS: JSON.stringify([
        clientEntry(OPERATOR_RP, {
          first_party: true,
          request_uris: [
            `${site.origin}/requests/operator`,
            `${site.origin}/big`,
            `${site.origin}/missing`,
            `${site.origin}/moved`,
            `${site.origin}/slow`,
          ],
        }),
      ]),
    }));
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(async () => {
    await t.close();
    await site.close();
  });

  /** A request's claims for `clientId`, as the suite converts its request to a request object. */
  function claimsFor(clientId: string, redirectUri: string, extra: JWTPayload = {}) {
    const { verifier, challenge } = pkcePair();
    const claims: JWTPayload = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      state: `inside-${randomUUID()}`,
      nonce: `nonce-${randomUUID()}`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    };
    return { claims, verifier };
  }

  /** GET /authorize with `query` in the signed-in agent (JSON errors with `json`). */
  function authorize(query: Record<string, string>, json = true) {
    const req = agent.get(`/authorize?${new URLSearchParams(query).toString()}`);
    return json ? req.set('Accept', 'application/json') : req;
  }

  /**
   * /authorize for `clientId`'s request object at `requestUri`, as the suite sends it
   * (response_type, client_id, scope and redirect_uri repeated), for a client that is not
   * first-party: the consent screen, Allow, and the way back to the client (the held request, not
   * the reference again).
   */
  async function throughConsent(clientId: string, requestUri: string): Promise<URL> {
    const query = {
      client_id: clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: CALLBACK,
      request_uri: requestUri,
    };
    const consent = await authorize(query, false).expect(200);
    const { return_to: returnTo, csrf_token } = consentForm(consent.text);
    expect(returnTo).toMatch(/^\/authorize\?client_id=[^&]+&pg_request=[A-Za-z0-9_-]{43}$/);
    await agent
      .post('/consent')
      .type('form')
      .send({ decision: 'allow', csrf_token, return_to: returnTo })
      .expect(303);
    const back = await agent.get(returnTo).expect(302);
    return new URL(back.headers.location);
  }

  it('oidcc-request-uri-unsigned: an unsigned object at a registered request_uri (with a fragment) is fetched once and is the request: its state comes back, its nonce in the ID token', async () => {
    const requestUri = `${site.origin}/requests/unsigned#${suiteFragment()}`;
    const registered = await register(
      t,
      {
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'client_secret_basic',
        request_uris: [requestUri],
      },
      INITIAL_ACCESS_TOKEN,
    ).expect(201);
    expect(registered.body.request_uris).toEqual([requestUri]);
    const clientId = registered.body.client_id as string;
    const { claims, verifier } = claimsFor(clientId, CALLBACK);
    site.objects.set('/requests/unsigned', new UnsecuredJWT(claims).encode());

    const callback = await throughConsent(clientId, requestUri);
    expect(callback.searchParams.get('state')).toBe(claims.state);
    expect(site.hits.get('/requests/unsigned')).toBe(1);
    const tokens = await t
      .http()
      .post('/token')
      .set('Authorization', basic(clientId, registered.body.client_secret as string))
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      })
      .expect(200);
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
      aud: clientId,
      nonce: claims.nonce,
      sub: 'user0',
    });
  });

  it('oidcc-request-uri-signed-rs256: an RS256-signed object at a registered request_uri, from a client registered with request_object_signing_alg RS256 and its jwks', async () => {
    const requestUri = `${site.origin}/requests/signed#${suiteFragment()}`;
    const registered = await register(
      t,
      {
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rs256.jwk] },
        request_object_signing_alg: 'RS256',
        request_uris: [requestUri],
      },
      INITIAL_ACCESS_TOKEN,
    ).expect(201);
    const clientId = registered.body.client_id as string;
    const { claims, verifier } = claimsFor(clientId, CALLBACK, { iss: clientId, aud: issuer });
    site.objects.set(
      '/requests/signed',
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'rp-rs256' })
        .sign(rs256.privateKey),
    );
    const callback = await throughConsent(clientId, requestUri);

    // The client redeems the code as an independent library does (oauth4webapi).
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', ...INSECURE }),
    );
    const rp: oauth.Client = { client_id: clientId };
    const params = oauth.validateAuthResponse(as, rp, callback, claims.state as string);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      rp,
      oauth.PrivateKeyJwt(rs256.privateKey),
      params,
      CALLBACK,
      verifier,
      INSECURE,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response, {
      expectedNonce: claims.nonce as string,
    });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: clientId, sub: 'user0' });

    // The same reference with an object the client's alg does not allow: the checks of `request`.
    site.objects.set('/requests/signed', new UnsecuredJWT(claims).encode());
    const unsigned = await authorize({ client_id: clientId, request_uri: requestUri });
    expect({ status: unsigned.status, body: unsigned.body as unknown }).toEqual({
      status: 400,
      body: {
        error: 'invalid_request_object',
        error_description:
          "request must be signed with RS256, the client's request_object_signing_alg",
      },
    });
  });

  /** /authorize's answer to a `request_uri` of the operator's client, as the client hears it. */
  async function refusalFor(requestUri: string) {
    const res = await authorize({
      client_id: OPERATOR_RP.id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: OPERATOR_RP.redirectUri,
      state: 'st-request-uri',
      request_uri: requestUri,
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(OPERATOR_RP.redirectUri);
    return Object.fromEntries(location.searchParams);
  }

  it('refuses a request_uri the client did not register, without fetching it: invalid_request_uri at the redirect URI of the query', async () => {
    const before = site.hits.get('/requests/unsigned');
    for (const requestUri of [
      `${site.origin}/requests/unsigned`,
      `${site.origin}/requests/operator/../unsigned`,
      `${site.origin}/requests/operatorx`,
    ]) {
      expect(await refusalFor(requestUri)).toEqual({
        error: 'invalid_request_uri',
        error_description: "request_uri is not one of the client's registered request_uris",
        state: 'st-request-uri',
        iss: issuer,
      });
    }
    expect(site.hits.get('/requests/unsigned')).toBe(before);
    // Without a registered redirect URI in the query: a page.
    const page = await authorize({
      client_id: OPERATOR_RP.id,
      request_uri: `${site.origin}/requests/unsigned`,
    });
    expectRefusal(
      page,
      400,
      'invalid_request_uri',
      "request_uri is not one of the client's registered request_uris",
    );
  });

  it('refuses what cannot be fetched: a 404, a redirect (not followed), more than 16 KiB, no answer within 5 s', async () => {
    const couldNot = 'The request object could not be fetched from request_uri';
    expect(await refusalFor(`${site.origin}/missing`)).toMatchObject({
      error: 'invalid_request_uri',
      error_description: couldNot,
    });
    expect(await refusalFor(`${site.origin}/moved`)).toMatchObject({
      error: 'invalid_request_uri',
      error_description: couldNot,
    });
    expect(site.hits.get('/moved')).toBe(1);
    expect(await refusalFor(`${site.origin}/big`)).toMatchObject({
      error: 'invalid_request_uri',
      error_description: 'The request object at request_uri is larger than 16384 bytes',
    });
    const started = Date.now();
    expect(await refusalFor(`${site.origin}/slow`)).toMatchObject({
      error: 'invalid_request_uri',
      error_description: 'The request object at request_uri did not come within 5000 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  }, 20_000);

  it('the fragment aside, the registered URL is matched: a registered URL without fragment, asked with one, is fetched', async () => {
    const { claims } = claimsFor(OPERATOR_RP.id, OPERATOR_RP.redirectUri);
    site.objects.set('/requests/operator', new UnsecuredJWT(claims).encode());
    const res = await authorize({
      client_id: OPERATOR_RP.id,
      request_uri: `${site.origin}/requests/operator#${suiteFragment()}`,
    });
    expect(res.status).toBe(302);
    const answer = new URL(res.headers.location).searchParams;
    expect(answer.get('state')).toBe(claims.state);
    expect(answer.get('code')).toEqual(expect.any(String));
  });

  it('the admin CLI registers them with the rules of registration, and shows them', async () => {
    const add = (uri: string) => addClientWith(t, 'request-uri-cli-rp', ['--request-uri', uri]);
    const refused = await add('ftp://rp.example/r.jwt');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('request_uris[0] must be an https (or http) URL');
    const added = await add('https://rp.example/r.jwt');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.output)).toMatchObject({ request_uris: ['https://rp.example/r.jwt'] });
  });

  it.each([
    ['not an array', 'https://rp.example/r.jwt', 'request_uris must be an array of URLs'],
    [
      'eleven of them',
      Array.from({ length: 11 }, (_, i) => `https://rp.example/${i}.jwt`),
      'request_uris may name at most 10 URLs',
    ],
    [
      'longer than 512 characters',
      [`https://rp.example/${'r'.repeat(500)}`],
      'request_uris[0] must be at most 512 characters (OpenID Connect Core §6.2)',
    ],
    ['an ftp URL', ['ftp://rp.example/r.jwt'], 'request_uris[0] must be an https (or http) URL'],
    [
      'with userinfo',
      ['https://bank.example@evil.example/r.jwt'],
      'request_uris[0] must not carry userinfo (user@host)',
    ],
    [
      'with a space',
      ['https://rp.example/r .jwt'],
      'request_uris[0] must be printable ASCII, without white space',
    ],
  ])(
    'registration refuses request_uris %s: invalid_client_metadata',
    async (_label, uris, problem) => {
      const res = await register(
        t,
        { redirect_uris: [CALLBACK], request_uris: uris },
        INITIAL_ACCESS_TOKEN,
      );
      expectRefusal(res, 400, 'invalid_client_metadata', problem);
    },
  );
});

describe('request_uri in production: https only, and the SSRF guard before any connection', () => {
  const LOOPBACK_CALLBACK = 'https://rp.example/callback';
  let t: TestApp;
  let connections = 0;
  const receiver = createHttpsServer(selfSignedCertificate(['127.0.0.1']), (_req, res) =>
    res.end('x.y.z'),
  );
  let receiverUri = '';

  beforeAll(async () => {
    receiver.on('connection', () => connections++);
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUri = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/requests/1.jwt`;
    t = await createTestApp({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
      ISSUER: 'https://auth.example.test',
      LOG_LEVEL: 'silent',
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: 'prod-rp',
          client_secret: 'prod-rp-secret',
          redirect_uris: [LOOPBACK_CALLBACK],
          request_uris: [receiverUri],
        },
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
    receiver.closeAllConnections();
    await closeServer(receiver);
  });

  it('registration refuses an http request_uri', async () => {
    const res = await register(
      t,
      { redirect_uris: [LOOPBACK_CALLBACK], request_uris: ['http://rp.example/r.jwt'] },
      INITIAL_ACCESS_TOKEN,
    );
    expectRefusal(res, 400, 'invalid_client_metadata', 'request_uris[0] must be an https URL');
  });

  it('a registered https request_uri on a loopback address is refused by the guard, never connected to', async () => {
    const res = await t
      .http()
      .get(
        `/authorize?${new URLSearchParams({
          client_id: 'prod-rp',
          response_type: 'code',
          scope: 'openid',
          redirect_uri: LOOPBACK_CALLBACK,
          request_uri: receiverUri,
        }).toString()}`,
      )
      .expect(302);
    expect(Object.fromEntries(new URL(res.headers.location).searchParams)).toEqual({
      error: 'invalid_request_uri',
      error_description: 'The request object could not be fetched from request_uri',
      iss: 'https://auth.example.test',
    });
    expect(connections).toBe(0);
  });
});
