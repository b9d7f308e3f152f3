/**
 * Issue #50's contract ("Details clients will rely on"), driven against the running service by an
 * independent holder (holder.ts): the login page's and a script's `POST /oid4vp/requests`, the
 * request object by reference (GET and POST) under both client identifier prefixes, answers in
 * both response modes, the refusals at response_uri, single use, cross-device sign-in and what
 * scope `age` discloses; and (issue #76) encrypted answers built with jose to another key, with
 * another `alg` or `enc`, naming another or no `kid`: each refused, the request left pending.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createHeaderAndPayload, StatusList } from '@sd-jwt/jwt-status-list';
import {
  type CompactJWEHeaderParameters,
  CompactEncrypt,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  importX509,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { CookieBrowser } from '../support/cookie-browser';
import { csrfOf } from '../support/login-form';
import {
  ALICE,
  askedClaims,
  DEMO_ISSUER,
  DEMO_ISSUER_PRIVATE_JWK,
  disclose,
  issue,
  type KeyPair,
  newKeyPair,
  post,
  presentationFor,
  type RequestObject,
  resolve,
  submit,
  vpTokenOf,
  withKeyBinding,
} from './holder';
import { authorizeLocation, demoClientTokens, type Json } from './people';
import { useAcceptanceService } from './service';

const service = useAcceptanceService();

interface Created {
  id: string;
  authorization_request: string;
  request_uri: string;
  expires_in: number;
  handle?: string;
}

let holder: KeyPair;
let credential: string;

beforeAll(async () => {
  holder = await newKeyPair();
  credential = await issue(holder);
});

/** A script's request (a registered client): `POST /oid4vp/requests { client_id, … }`. */
async function scriptRequest(body: Json = {}): Promise<Created> {
  const answer = await fetch(`${service().issuer}/oid4vp/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'demo-spa', scope: 'openid identity', ...body }),
  });
  expect(answer.status).toBe(201);
  return (await answer.json()) as Created;
}

/** The login page's request, with the page's cookies (after GET /login). */
async function pageRequest(browser: CookieBrowser, body: Json = {}): Promise<Created> {
  const page = await browser.get(`${service().issuer}/login?return_to=%2Faccount`);
  const answer = await browser.postJson(`${service().issuer}/oid4vp/requests`, {
    csrf_token: csrfOf(await page.text()),
    return_to: '/account',
    ...body,
  });
  expect(answer.status).toBe(201);
  return (await answer.json()) as Created;
}

/** The script's poll with its handle. */
async function pollWithHandle(created: Created): Promise<{ status: number; body: Json }> {
  const answer = await fetch(`${service().issuer}/oid4vp/requests/${created.id}`, {
    headers: { authorization: `Bearer ${created.handle}` },
  });
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

/** Resolves the request and answers it with what it asks (the library builds and posts it). */
async function answerAsWallet(created: Created, who = holder, vc = credential) {
  const request = await resolve(created.authorization_request);
  const presentation = await presentationFor(request, who, vc);
  return {
    request,
    answer: await submit(request, { [request.dcql_query.credentials[0].id]: [presentation] }),
  };
}

function expectCreated(created: Created, script: boolean) {
  expect(created).toEqual({
    id: expect.any(String),
    authorization_request: expect.any(String),
    request_uri: expect.any(String),
    expires_in: expect.any(Number),
    ...(script ? { handle: expect.any(String) } : {}),
    // The page's answer may carry its QR code too (docs/ENDPOINTS.md).
    ...('qr_code' in created ? { qr_code: expect.any(String) } : {}),
  });
  const link = new URL(created.authorization_request);
  expect(created.authorization_request.startsWith('openid4vp://')).toBe(true);
  expect(link.searchParams.get('request_uri')).toBe(created.request_uri);
  expect(link.searchParams.get('client_id')).toEqual(expect.any(String));
}

describe('the script flow (client_id + handle)', () => {
  it('answers 201 with a handle; the poll gives the token response once', async () => {
    const created = await scriptRequest();
    expectCreated(created, true);
    await expect(pollWithHandle(created)).resolves.toMatchObject({
      status: 200,
      body: { status: 'pending' },
    });
    const { answer } = await answerAsWallet(created);
    expect(answer.status).toBe(200);
    const polled = await pollWithHandle(created);
    expect(polled).toMatchObject({ status: 200, body: { status: 'signed_in' } });
    const tokens = polled.body.tokens as Json;
    const idToken = decodeJwt(tokens.id_token as string);
    expect(idToken).toMatchObject({
      given_name: ALICE.given_name,
      family_name: ALICE.family_name,
      birthdate: ALICE.birthdate,
      amr: ['pop'],
    });
    expect(idToken.acr).not.toBe('phr');
    const again = await pollWithHandle(created);
    expect(again.body.tokens).toBeUndefined();
    // Another request's handle opens nothing of this one (docs/ENDPOINTS.md: 404).
    const other = await scriptRequest();
    const wrongHandle = await pollWithHandle({ ...created, handle: other.handle });
    expect(wrongHandle.status).toBe(404);
  });

  it('never asks for the account scope', async () => {
    const answer = await fetch(`${service().issuer}/oid4vp/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'demo-spa', scope: 'openid account' }),
    });
    expect(answer.status).toBe(400);
  });

  it('signs the same credential in to the same account every time', async () => {
    const subjects: unknown[] = [];
    for (let i = 0; i < 2; i += 1) {
      const created = await scriptRequest();
      const other = await newKeyPair();
      await answerAsWallet(created, other, await issue(other));
      const { body } = await pollWithHandle(created);
      subjects.push(decodeJwt((body.tokens as Json).id_token as string).sub);
    }
    expect(subjects[0]).toEqual(expect.any(String));
    expect(subjects[1]).toBe(subjects[0]);
  });

  it('scope age asks for and hands over age_over_18 alone', async () => {
    const created = await scriptRequest({ scope: 'openid age' });
    const request = await resolve(created.authorization_request);
    expect(askedClaims(request)).toEqual(['age_over_18']);
    const presentation = await presentationFor(request, holder, credential);
    expect(
      (await submit(request, { [request.dcql_query.credentials[0].id]: [presentation] })).status,
    ).toBe(200);
    const tokens = (await pollWithHandle(created)).body.tokens as Json;
    const idToken = decodeJwt(tokens.id_token as string);
    expect(idToken.age_over_18).toBe(true);
    for (const claim of ['given_name', 'family_name', 'birthdate']) {
      expect(idToken).not.toHaveProperty(claim);
    }
    const userinfo = (await (
      await fetch(`${service().issuer}/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token as string}` },
      })
    ).json()) as Json;
    expect(userinfo.age_over_18).toBe(true);
    expect(userinfo).not.toHaveProperty('given_name');
  });
});

describe('the request object, by reference', () => {
  it('x509_hash: signed, with x5c; client_id is the hash of its certificate (GET)', async () => {
    const created = await scriptRequest({ client_id_prefix: 'x509_hash' });
    const jwt = await (await fetch(created.request_uri)).text();
    const header = decodeProtectedHeader(jwt);
    expect(header.x5c).toEqual([expect.any(String)]);
    const pem = `-----BEGIN CERTIFICATE-----\n${header.x5c![0]}\n-----END CERTIFICATE-----`;
    await compactVerify(jwt, await importX509(pem, header.alg!));
    const claims = decodeJwt(jwt);
    const der = new X509Certificate(pem).raw;
    expect(claims.client_id).toBe(
      `x509_hash:${createHash('sha256').update(der).digest('base64url')}`,
    );
    expect(claims).toMatchObject({ response_type: 'vp_token', response_mode: 'direct_post' });
    expect((claims.dcql_query as RequestObject['dcql_query']).credentials[0].id).toBe('pid');
  });

  it('redirect_uri: unsigned (alg none, typ oauth-authz-req+jwt), client_id redirect_uri:<response_uri>', async () => {
    const created = await scriptRequest({ client_id_prefix: 'redirect_uri' });
    const jwt = await (await fetch(created.request_uri)).text();
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'none', typ: 'oauth-authz-req+jwt' });
    const claims = UnsecuredJWT.decode(jwt).payload;
    expect(claims.client_id).toBe(`redirect_uri:${claims.response_uri as string}`);
    expect(new URL(created.authorization_request).searchParams.get('client_id')).toBe(
      claims.client_id,
    );
  });

  it('gives each request its own nonce, state and (direct_post.jwt) response key', async () => {
    const [a, b] = await Promise.all(
      [1, 2].map(async () =>
        resolve((await scriptRequest({ response_mode: 'direct_post.jwt' })).authorization_request),
      ),
    );
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.state).not.toBe(b.state);
    expect(a.client_metadata?.jwks?.keys[0].x).not.toBe(b.client_metadata?.jwks?.keys[0].x);
  });

  it('answers a POST with wallet_nonce (§5.10), carrying it back', async () => {
    const created = await scriptRequest();
    const answer = await fetch(created.request_uri, {
      method: 'POST',
      body: new URLSearchParams({ wallet_nonce: 'wallet-nonce-4711' }),
    });
    expect(answer.status).toBe(200);
    expect(decodeJwt(await answer.text()).wallet_nonce).toBe('wallet-nonce-4711');
  });

  it.each(['redirect_uri', 'x509_hash'])(
    'signs in with the %s prefix; the key-binding aud is the full client_id',
    async (prefix) => {
      const created = await scriptRequest({ client_id_prefix: prefix });
      const { request, answer } = await answerAsWallet(created);
      expect(request.client_id.startsWith(`${prefix}:`)).toBe(true);
      expect(answer.status).toBe(200);
      await expect(pollWithHandle(created)).resolves.toMatchObject({
        body: { status: 'signed_in' },
      });
    },
  );
});

describe('the login page flow', () => {
  it('offers "Sign in with your identity wallet"', async () => {
    const page = await new CookieBrowser().navigate(`${service().issuer}/login`);
    expect(await page.text()).toContain('Sign in with your identity wallet');
  });

  it('answers refused to the page once the wallet declines', async () => {
    const browser = new CookieBrowser();
    const created = await pageRequest(browser);
    const request = await resolve(created.authorization_request);
    const declined = await fetch(request.response_uri, {
      method: 'POST',
      body: new URLSearchParams({ error: 'access_denied', state: request.state }),
    });
    expect(declined.status).toBeLessThan(500);
    const polled = await browser.getJson(`${service().issuer}/oid4vp/requests/${created.id}`);
    expect(await polled.json()).toMatchObject({ status: 'refused' });
  });

  it('same device, direct_post: the response_code redirect signs the browser in', async () => {
    const browser = new CookieBrowser();
    const created = await pageRequest(browser);
    expectCreated(created, false);
    const { answer } = await answerAsWallet(created);
    expect(answer.status).toBe(200);
    const redirect = new URL(answer.body.redirect_uri as string);
    expect(redirect.searchParams.get('response_code')).toEqual(expect.any(String));
    const completed = await browser.get(redirect.href);
    expect(completed.status).toBe(303);
    expect(completed.headers.get('location')).toBe('/account');
    expect((await browser.get(redirect.href)).status).toBe(400);
    expect((await browser.get(`${service().issuer}/account`)).status).toBe(200);
    const tokens = await demoClientTokens(service().issuer, browser, 'openid');
    expect(decodeJwt(tokens.id_token as string).amr).toEqual(['pop']);
  });

  it('same device, direct_post.jwt: the answer is a JWE to the request key', async () => {
    const browser = new CookieBrowser();
    const created = await pageRequest(browser, { response_mode: 'direct_post.jwt' });
    const request = await resolve(created.authorization_request);
    expect(request.response_mode).toBe('direct_post.jwt');
    expect(request.client_metadata?.jwks?.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const presentation = await presentationFor(request, holder, credential);
    const answer = await submit(request, {
      [request.dcql_query.credentials[0].id]: [presentation],
    });
    expect(answer.status).toBe(200);
    const completed = await browser.get(answer.body.redirect_uri as string);
    expect(completed.status).toBe(303);
  });

  /** A same-device sign-in answered by the wallet, not yet completed: its browser and redirect. */
  async function answeredSameDevice(): Promise<{ browser: CookieBrowser; redirect: string }> {
    const browser = new CookieBrowser();
    const { answer } = await answerAsWallet(await pageRequest(browser));
    expect(answer.status).toBe(200);
    return { browser, redirect: answer.body.redirect_uri as string };
  }

  /** The response_code refused to `thief`, then spent for the browser that started it. */
  async function expectRefusedAndSpent(thief: CookieBrowser) {
    const { browser, redirect } = await answeredSameDevice();
    const stolen = await thief.get(redirect);
    expect(stolen.status).toBe(400);
    expect(((await stolen.json()) as Json).error).toBe('invalid_request');
    const late = await browser.get(redirect);
    expect(late.status).toBe(400);
    expect((await browser.get(`${service().issuer}/account`)).status).toBe(303);
  }

  it('refuses a response_code in another browser (that opened the login page), and spends it', async () => {
    const thief = new CookieBrowser();
    await thief.get(`${service().issuer}/login`);
    await expectRefusedAndSpent(thief);
  });

  it('refuses a response_code presented without any cookie, and spends it', async () => {
    await expectRefusedAndSpent(new CookieBrowser());
  });

  it('cross device: the page poll signs in, never with phr nor the account scope', async () => {
    const browser = new CookieBrowser();
    const created = await pageRequest(browser);
    const pending = await browser.getJson(`${service().issuer}/oid4vp/requests/${created.id}`);
    expect(await pending.json()).toMatchObject({ status: 'pending' });
    expect((await answerAsWallet(created)).answer.status).toBe(200);
    const stranger = await new CookieBrowser().getJson(
      `${service().issuer}/oid4vp/requests/${created.id}`,
    );
    expect(stranger.status).toBe(404);
    const polled = await browser.getJson(`${service().issuer}/oid4vp/requests/${created.id}`);
    expect(await polled.json()).toEqual({ status: 'signed_in', redirect: '/account' });
    const account = await authorizeLocation(service().issuer, browser, 'openid account');
    expect(account.pathname).toBe('/login');
    const tokens = await demoClientTokens(service().issuer, browser, 'openid');
    const idToken = decodeJwt(tokens.id_token as string);
    expect(idToken.acr).not.toBe('phr');
    expect(idToken.amr).toEqual(['pop']);
  });
});

describe('refusals at response_uri (400 invalid_presentation naming the check)', () => {
  /** A fresh request of the script flow, resolved. */
  async function freshRequest(): Promise<{ created: Created; request: RequestObject }> {
    const created = await scriptRequest();
    return { created, request: await resolve(created.authorization_request) };
  }

  const refusals: [string, RegExp, (request: RequestObject) => Promise<string>][] = [
    [
      'another nonce',
      /nonce/i,
      (r) => presentationFor(r, holder, credential, { nonce: 'not-the-nonce' }),
    ],
    [
      'another audience',
      /audience/i,
      (r) => presentationFor(r, holder, credential, { aud: 'x509_hash:another-verifier' }),
    ],
    [
      'a stale iat',
      /iat/i,
      (r) => presentationFor(r, holder, credential, { iat: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    [
      'a wrong sd_hash',
      /sd_hash/i,
      (r) =>
        presentationFor(r, holder, credential, {
          sd_hash: createHash('sha256').update('x').digest('base64url'),
        }),
    ],
    [
      'the client_id without its prefix as audience',
      /audience/i,
      (r) =>
        presentationFor(r, holder, credential, {
          aud: r.client_id.slice(r.client_id.indexOf(':') + 1),
        }),
    ],
    [
      'an iat in the future',
      /iat/i,
      (r) => presentationFor(r, holder, credential, { iat: Math.floor(Date.now() / 1000) + 3600 }),
    ],
    ['no key-binding JWT', /key binding/i, async (r) => disclose(credential, askedClaims(r))],
    [
      'a vct the query does not allow',
      /vct/i,
      async (r) =>
        presentationFor(r, holder, await issue(holder, { vct: 'urn:other:credential:1' })),
    ],
    [
      'a key-binding JWT by another key',
      /key binding/i,
      async (r) => presentationFor(r, holder, credential, { key: (await newKeyPair()).privateKey }),
    ],
    [
      'a tampered disclosure',
      /disclosure/i,
      async (r) => {
        const sdJwt = await disclose(credential, askedClaims(r));
        const [jwt, first, ...rest] = sdJwt.split('~');
        const [salt, name] = JSON.parse(Buffer.from(first, 'base64url').toString()) as [
          string,
          string,
        ];
        const forged = Buffer.from(JSON.stringify([salt, name, 'Mallory'])).toString('base64url');
        return withKeyBinding(holder, [jwt, forged, ...rest].join('~'), {
          aud: r.client_id,
          nonce: r.nonce,
        });
      },
    ],
    [
      'an untrusted issuer',
      /issuer not trusted/i,
      async (r) => {
        const issuerKey = { ...(await newKeyPair()).privateKey, kid: 'untrusted-1' };
        const vc = await issue(holder, { issuer: 'https://untrusted.example', issuerKey });
        return presentationFor(r, holder, vc);
      },
    ],
    [
      'a signature by another key in the demo issuer’s name',
      /signature/i,
      async (r) => {
        const issuerKey = { ...(await newKeyPair()).privateKey, kid: 'demo-pid-issuer-1' };
        return presentationFor(r, holder, await issue(holder, { issuer: DEMO_ISSUER, issuerKey }));
      },
    ],
    [
      'an expired credential',
      /expired/i,
      async (r) =>
        presentationFor(
          r,
          holder,
          await issue(holder, { exp: Math.floor(Date.now() / 1000) - 600 }),
        ),
    ],
  ];

  it.each(refusals)('refuses %s, and the state stays unspent', async (_, check, forge) => {
    const { created, request } = await freshRequest();
    const refused = await post(request, vpTokenOf(request, await forge(request)));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_presentation');
    expect(refused.body.error_description).toMatch(check);
    await expect(pollWithHandle(created)).resolves.toMatchObject({ body: { status: 'pending' } });
    const accepted = await post(
      request,
      vpTokenOf(request, await presentationFor(request, holder, credential)),
    );
    expect(accepted.status).toBe(200);
  });

  it('refuses a direct_post.jwt answer with another nonce inside the JWE', async () => {
    const browser = new CookieBrowser();
    const created = await pageRequest(browser, { response_mode: 'direct_post.jwt' });
    const request = await resolve(created.authorization_request);
    const presentation = await presentationFor(request, holder, credential, { nonce: 'other' });
    const refused = await submit(request, {
      [request.dcql_query.credentials[0].id]: [presentation],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_presentation');
    expect(refused.body.error_description).toMatch(/nonce/i);
  });

  it.each([
    ['an unknown state', (r: RequestObject) => ({ vp_token: '{}', state: `${r.state}x` })],
    ['no state', () => ({ vp_token: '{}' })],
    [
      'a response that is no JWE',
      (r: RequestObject) => ({ response: 'a.b.c.d.e', state: r.state }),
    ],
  ])('refuses %s: 400 invalid_request', async (_, body) => {
    const { request } = await freshRequest();
    const answer = await fetch(request.response_uri, {
      method: 'POST',
      body: new URLSearchParams(body(request)),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Json).error).toBe('invalid_request');
  });

  it('refuses a credential revoked in its status list, and accepts one valid there', async () => {
    const uri = `${service().receiver}/status-list/1`;
    const list = new StatusList([0, 1, 0, 0, 0, 0, 0, 0], 1);
    const { header, payload } = createHeaderAndPayload(
      list,
      { iss: DEMO_ISSUER, sub: uri, iat: Math.floor(Date.now() / 1000) },
      { alg: 'ES256', typ: 'statuslist+jwt', kid: DEMO_ISSUER_PRIVATE_JWK.kid },
    );
    const statusList = await new SignJWT(payload)
      .setProtectedHeader(header)
      .sign(await importJWK(DEMO_ISSUER_PRIVATE_JWK, 'ES256'));
    service().served.set('/status-list/1', {
      type: 'application/statuslist+jwt',
      body: statusList,
    });
    const at = (idx: number) => issue(holder, { plain: { status: { status_list: { idx, uri } } } });
    const { created, request } = await freshRequest();
    const revoked = await post(
      request,
      vpTokenOf(request, await presentationFor(request, holder, await at(1))),
    );
    expect(revoked.status).toBe(400);
    expect(revoked.body).toMatchObject({ error: 'invalid_presentation' });
    expect(revoked.body.error_description).toMatch(/revoked/i);
    const valid = await post(
      request,
      vpTokenOf(request, await presentationFor(request, holder, await at(0))),
    );
    expect(valid.status).toBe(200);
    await expect(pollWithHandle(created)).resolves.toMatchObject({ body: { status: 'signed_in' } });
  });

  it('refuses a malformed answer: 400 invalid_request', async () => {
    const { request } = await freshRequest();
    const refused = await post(request, 'not json at all');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
  });

  it('verifies one of concurrent posts of one answer', async () => {
    const { request } = await freshRequest();
    const vpToken = vpTokenOf(request, await presentationFor(request, holder, credential));
    const answers = await Promise.all([1, 2, 3].map(() => post(request, vpToken)));
    expect(answers.map(({ status }) => status).sort()).toEqual([200, 400, 400]);
  });

  it('gives a script its token response once, to one of concurrent polls', async () => {
    const { created, request } = await freshRequest();
    await post(request, vpTokenOf(request, await presentationFor(request, holder, credential)));
    const polls = await Promise.all([1, 2, 3].map(() => pollWithHandle(created)));
    expect(polls.filter(({ body }) => body.tokens !== undefined)).toHaveLength(1);
  });

  it('spends a state once: a second post is refused and the first sign-in stands', async () => {
    const { created, request } = await freshRequest();
    const vpToken = vpTokenOf(request, await presentationFor(request, holder, credential));
    expect((await post(request, vpToken)).status).toBe(200);
    const replay = await post(request, vpToken);
    expect(replay.status).toBe(400);
    const polled = await pollWithHandle(created);
    expect(polled.body).toMatchObject({
      status: 'signed_in',
      tokens: { id_token: expect.any(String) },
    });
  });
});

describe('encrypted answers (direct_post.jwt) that do not fit their request: 400, the request still pending', () => {
  /** A login page's direct_post.jwt request: its browser, id, the wallet's view and its key. */
  async function encryptedRequest() {
    const browser = new CookieBrowser();
    const created = await pageRequest(browser, { response_mode: 'direct_post.jwt' });
    const request = await resolve(created.authorization_request);
    const [jwk] = request.client_metadata!.jwks!.keys;
    return { browser, created, request, jwk, key: await importJWK(jwk, 'ECDH-ES') };
  }

  type Encrypted = Awaited<ReturnType<typeof encryptedRequest>>;
  type EncryptionKey = Parameters<CompactEncrypt['encrypt']>[0];

  /** The answer's fields a wallet encrypts: the presentation `request` asks for, as vp_token. */
  async function answerFor(request: RequestObject) {
    const presentation = await presentationFor(request, holder, credential);
    return { vp_token: { [request.dcql_query.credentials[0].id]: [presentation] } };
  }

  /** A JWE of `fields` with `header`, to `key`, built with jose and posted as `response`. */
  async function postJwe(
    request: RequestObject,
    fields: object,
    header: CompactJWEHeaderParameters,
    key: EncryptionKey,
  ) {
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(fields)))
      .setProtectedHeader(header)
      .encrypt(key);
    const answer = await fetch(request.response_uri, {
      method: 'POST',
      body: new URLSearchParams({ response: jwe }),
    });
    return { status: answer.status, body: (await answer.json()) as Json };
  }

  /** The header a wallet sends (OpenID4VP §8.3): the request's alg and enc, its key's kid. */
  const rightHeader = (r: Encrypted): CompactJWEHeaderParameters => ({
    alg: 'ECDH-ES',
    enc: 'A128GCM',
    kid: r.jwk.kid,
  });

  const pollOf = async (r: Encrypted) =>
    (await r.browser.getJson(`${service().issuer}/oid4vp/requests/${r.created.id}`)).json();

  const UNDECRYPTABLE = {
    error: 'invalid_request',
    error_description: 'The response could not be decrypted with this request’s key',
  };
  const NO_SUCH_KID = {
    error: 'invalid_request',
    error_description: 'The response names no live direct_post.jwt request (kid)',
  };

  type Spoiled = [CompactJWEHeaderParameters, EncryptionKey];

  it('takes an answer jose encrypts as a wallet does (ECDH-ES, A128GCM, the request’s kid)', async () => {
    const r = await encryptedRequest();
    expect(r.request.client_metadata).toMatchObject({
      encrypted_response_enc_values_supported: expect.arrayContaining(['A128GCM']),
    });
    expect(r.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) });
    const answered = await postJwe(r.request, await answerFor(r.request), rightHeader(r), r.key);
    expect(answered.status).toBe(200);
    const completed = await r.browser.get(answered.body.redirect_uri as string);
    expect([completed.status, completed.headers.get('location')]).toEqual([303, '/account']);
  });

  it.each<[string, (r: Encrypted) => Promise<Spoiled> | Spoiled, Json]>([
    [
      'encrypted to another key',
      async (r) => [rightHeader(r), (await generateKeyPair('ECDH-ES', { crv: 'P-256' })).publicKey],
      UNDECRYPTABLE,
    ],
    [
      'with alg ECDH-ES+A128KW (to the request’s key)',
      (r) => [{ ...rightHeader(r), alg: 'ECDH-ES+A128KW' }, r.key],
      UNDECRYPTABLE,
    ],
    [
      'with alg RSA-OAEP-256 (to an RSA key)',
      async (r) => [
        { ...rightHeader(r), alg: 'RSA-OAEP-256' },
        (await generateKeyPair('RSA-OAEP-256')).publicKey,
      ],
      UNDECRYPTABLE,
    ],
    ['with enc A192GCM', (r) => [{ ...rightHeader(r), enc: 'A192GCM' }, r.key], UNDECRYPTABLE],
    [
      'with enc A128CBC-HS256',
      (r) => [{ ...rightHeader(r), enc: 'A128CBC-HS256' }, r.key],
      UNDECRYPTABLE,
    ],
    [
      'naming another live direct_post.jwt request’s kid',
      async (r) => [{ ...rightHeader(r), kid: (await encryptedRequest()).jwk.kid }, r.key],
      UNDECRYPTABLE,
    ],
    [
      'naming a direct_post (unencrypted) request’s state as kid',
      async (r) => [
        {
          ...rightHeader(r),
          kid: (await resolve((await scriptRequest()).authorization_request)).state,
        },
        r.key,
      ],
      NO_SUCH_KID,
    ],
    [
      'naming an unknown kid',
      (r) => [{ ...rightHeader(r), kid: 'x'.repeat(43) }, r.key],
      NO_SUCH_KID,
    ],
    ['naming no kid', (r) => [{ alg: 'ECDH-ES', enc: 'A128GCM' }, r.key], NO_SUCH_KID],
  ])(
    'refuses an answer %s; the wallet’s right answer then signs the browser in',
    async (_, spoil, refusal) => {
      const r = await encryptedRequest();
      const fields = await answerFor(r.request);
      const [header, key] = await spoil(r);
      expect(await postJwe(r.request, fields, header, key)).toEqual({ status: 400, body: refusal });
      expect(await pollOf(r)).toEqual({ status: 'pending' });
      // The holder's library encrypts the same presentation as the request asks: accepted.
      const answered = await submit(r.request, fields.vp_token);
      expect(answered.status).toBe(200);
      const completed = await r.browser.get(answered.body.redirect_uri as string);
      expect([completed.status, completed.headers.get('location')]).toEqual([303, '/account']);
      expect((await r.browser.get(`${service().issuer}/account`)).status).toBe(200);
    },
  );

  it('refuses this request’s presentation sent to another live request, under its kid: both stay pending', async () => {
    const r = await encryptedRequest();
    const other = await encryptedRequest();
    const fields = await answerFor(r.request);
    const refused = await postJwe(r.request, fields, rightHeader(other), other.key);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_presentation' });
    expect(refused.body.error_description).toMatch(/nonce/);
    expect(await pollOf(r)).toEqual({ status: 'pending' });
    expect(await pollOf(other)).toEqual({ status: 'pending' });
    expect((await submit(r.request, fields.vp_token)).status).toBe(200);
    expect((await submit(other.request, (await answerFor(other.request)).vp_token)).status).toBe(
      200,
    );
  });
});
