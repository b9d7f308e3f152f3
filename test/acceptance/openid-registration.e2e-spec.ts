/**
 * Issue #76 item 5, the OpenID Dynamic plan's gaps, driven against the running service by an
 * independent client (openid-client; the signatures checked with jose against /jwks.json): a
 * client registers itself (RFC 7591, with the initial access token) with `request_uris` on the
 * receiver, `userinfo_signed_response_alg` RS256 and its own pages (RFC 7591 §2); a person the
 * operator made with the admin CLI (a password, an email address linked) is sent to /authorize
 * with a `request_uri` (OpenID Connect Core §6.2) naming an unsigned request object, sees the
 * consent screen with the client's policy and terms and no logo, allows, and the client redeems
 * the code: `email`, asked alone with the `claims` parameter (Core §5.5) and scope `openid`, is in
 * the ID token and the signed UserInfo (Core §5.3.2), and nothing else of the person. Refused: a
 * `request_uri` the client did not register (never fetched), one too large or unreachable
 * (`invalid_request_uri` at the redirect URI), and an `http` logo (`invalid_client_metadata`).
 */
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, UnsecuredJWT } from 'jose';
import * as client from 'openid-client';
import { CookieBrowser, passwordSignIn } from '../support/cookie-browser';
import { consentForm } from '../support/fetch-browser';
import { freePort } from '../support/processes';
import { register } from './ciba-client';
import type { Json } from './people';
import { LOGO_ORIGIN, useAcceptanceService } from './service';

const service = useAcceptanceService();

/** The client's pages, on a host that is not an allowed logo origin. */
const PAGES = {
  logo_uri: 'https://rp.acceptance.example/logo.png',
  policy_uri: 'https://rp.acceptance.example/privacy',
  tos_uri: 'https://rp.acceptance.example/terms',
};

/** `{"id_token":{"email":null},"userinfo":{"email":null}}`: the address, asked alone. */
const EMAIL_ALONE = { id_token: { email: null }, userinfo: { email: null } };

const random = () => randomBytes(6).toString('hex');

/** A self-registered relying party: what it registered, and openid-client's configuration. */
interface RelyingParty {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The receiver's paths it registered as request_uris, by name. */
  readonly paths: { readonly object: string; readonly big: string; readonly unreachable: string };
  readonly registered: Json;
  readonly config: client.Configuration;
}

/**
 * POST /register as a Dynamic plan client does: request_uris on the receiver (an object, one too
 * large, one at a port nobody listens on), signed UserInfo RS256, its pages.
 */
async function registerRelyingParty(extra: Json = {}): Promise<RelyingParty> {
  const { receiver } = service();
  const id = random();
  const paths = {
    object: `/requests/${id}.jwt`,
    big: `/requests/${id}-big.jwt`,
    unreachable: `/requests/${id}-gone.jwt`,
  };
  const redirectUri = `${receiver}/callback/${id}`;
  const answer = await register(service(), {
    client_name: 'Dynamic plan RP',
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'client_secret_basic',
    request_uris: [
      `${receiver}${paths.object}`,
      `${receiver}${paths.big}`,
      `http://127.0.0.1:${await freePort()}${paths.unreachable}`,
    ],
    userinfo_signed_response_alg: 'RS256',
    ...PAGES,
    ...extra,
  });
  expect(answer.status).toBe(201);
  const registered = (await answer.json()) as Json;
  const clientId = registered.client_id as string;
  const config = await client.discovery(
    new URL(service().issuer),
    clientId,
    { userinfo_signed_response_alg: 'RS256' },
    client.ClientSecretBasic(registered.client_secret as string),
    { execute: [client.allowInsecureRequests] },
  );
  return { clientId, redirectUri, paths, registered, config };
}

/** A person the operator makes (docs/ADMINISTRATION.md): a password user with a linked address. */
async function newPerson(): Promise<{ username: string; password: string; email: string }> {
  const username = `dyn-${random()}`;
  const password = randomBytes(12).toString('base64url');
  const email = `${username}@example.test`;
  const added = await service().admin(['users', 'add', username], `${password}\n`);
  expect([added.code, added.stderr]).toEqual([0, '']);
  const linked = await service().admin(['accounts', 'link', '--user', username, '--email', email]);
  expect([linked.code, linked.stderr]).toEqual([0, '']);
  return { username, password, email };
}

/** The person of this file, made once by the operator. */
let person: Awaited<ReturnType<typeof newPerson>>;
beforeAll(async () => {
  person = await newPerson();
});

/** A browser signed in at the login page as the person. */
async function signedIn(): Promise<CookieBrowser> {
  const browser = new CookieBrowser();
  await passwordSignIn(browser, service().issuer, person);
  return browser;
}

/** The request a client publishes as an unsigned object (Core §6.1), with its PKCE and nonce. */
async function requestObject(rp: RelyingParty) {
  const verifier = client.randomPKCECodeVerifier();
  const claims = {
    client_id: rp.clientId,
    response_type: 'code',
    redirect_uri: rp.redirectUri,
    scope: 'openid',
    state: client.randomState(),
    nonce: client.randomNonce(),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    claims: EMAIL_ALONE,
  };
  return { claims, verifier, jwt: new UnsecuredJWT(claims).encode() };
}

/**
 * The authorization URL openid-client builds for `requestUri`, with OpenID Connect's duplicates
 * beside it (Core §6.1: response_type, scope; redirect_uri and state, as the conformance suite
 * sends them, so that a refusal can go back to the client).
 */
function authorizationUrl(rp: RelyingParty, requestUri: string, state = client.randomState()) {
  return client.buildAuthorizationUrl(rp.config, {
    request_uri: requestUri,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: rp.redirectUri,
    state,
  });
}

/** The claims of `jwt` once jose verified it: RS256 by a key of /jwks.json, from us, for `rp`. */
async function verifiedFor(rp: RelyingParty, jwt: string) {
  const keys = createRemoteJWKSet(new URL(`${service().issuer}/jwks.json`));
  const { payload } = await jwtVerify(jwt, keys, {
    issuer: service().issuer,
    audience: rp.clientId,
    algorithms: ['RS256'],
  });
  return payload;
}

describe('a client that registered itself, with request_uris, signed UserInfo and its pages', () => {
  it('registers and is answered with what it registered', async () => {
    const rp = await registerRelyingParty();
    expect(rp.registered).toMatchObject({
      client_id: expect.stringMatching(/^dcr_[0-9a-f]{32}$/),
      client_secret: expect.any(String),
      request_uris: expect.arrayContaining([`${service().receiver}${rp.paths.object}`]),
      userinfo_signed_response_alg: 'RS256',
      id_token_signed_response_alg: 'RS256',
      ...PAGES,
    });
    const metadata = rp.config.serverMetadata();
    expect(metadata).toMatchObject({
      request_uri_parameter_supported: true,
      require_request_uri_registration: true,
      claims_parameter_supported: true,
      userinfo_signing_alg_values_supported: expect.arrayContaining(['RS256']),
      claims_supported: expect.arrayContaining(['email']),
    });
  });

  it('signs a person in through a request_uri: the consent screen, the code, email alone in the ID token and the signed UserInfo', async () => {
    const rp = await registerRelyingParty();
    const { claims, verifier, jwt } = await requestObject(rp);
    service().served.set(rp.paths.object, { type: 'application/oauth-authz-req+jwt', body: jwt });
    const browser = await signedIn();
    const fetchedBefore = service().fetched.length;

    // Only what openid-client sends: client_id and request_uri (and the duplicates of Core §6.1).
    const url = client.buildAuthorizationUrl(rp.config, {
      request_uri: `${service().receiver}${rp.paths.object}`,
      response_type: 'code',
      scope: 'openid',
    });
    const consent = await browser.navigate(url.href);
    expect(consent.status).toBe(200);
    const page = await consent.text();
    expect(service().fetched.slice(fetchedBefore)).toEqual([rp.paths.object]);

    // The client's pages are links to themselves, opened apart; no logo from a host not allowed.
    expect(page).toContain(
      `<a id="consent-policy" href="${PAGES.policy_uri}" target="_blank" rel="noopener noreferrer">`,
    );
    expect(page).toContain(
      `<a id="consent-tos" href="${PAGES.tos_uri}" target="_blank" rel="noopener noreferrer">`,
    );
    expect(page).not.toContain('<img');
    expect(page).not.toContain(PAGES.logo_uri);
    expect(consent.headers.get('content-security-policy')).toContain("img-src 'self' data:;");
    expect(page).toContain('id="consent-self-asserted"');
    // The address is asked by name, not the email scope.
    const asked = [...page.matchAll(/<li data-(scope|claim)="([^"]+)"/g)].map(
      ([, k, v]) => `${k}:${v}`,
    );
    expect(asked).toEqual(['scope:openid', 'claim:email']);

    const allowed = await browser.postForm(`${service().issuer}/consent`, {
      decision: 'allow',
      ...consentForm(page),
    });
    expect(allowed.status).toBe(303);
    const back = await browser.get(
      new URL(allowed.headers.get('location')!, service().issuer).href,
    );
    expect(back.status).toBe(302);
    // The way back is the held request, not the reference fetched again.
    expect(service().fetched.slice(fetchedBefore)).toEqual([rp.paths.object]);
    const callback = new URL(back.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(rp.redirectUri);
    expect(callback.searchParams.get('state')).toBe(claims.state);

    // The client redeems the code with openid-client (state, iss, nonce, the ID token checked).
    const tokens = await client.authorizationCodeGrant(rp.config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: claims.state,
      expectedNonce: claims.nonce,
      idTokenExpected: true,
    });
    expect(tokens.scope).toBe('openid');
    const idToken = await verifiedFor(rp, tokens.id_token!);
    expect(idToken).toMatchObject({
      sub: person.username,
      nonce: claims.nonce,
      email: person.email,
    });
    for (const claim of ['email_verified', 'name', 'preferred_username', 'updated_at']) {
      expect(idToken).not.toHaveProperty(claim);
    }

    // /userinfo: a JWT signed RS256 by a key of /jwks.json, for this client, with email alone.
    const userinfo = await fetch(`${service().issuer}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(userinfo.headers.get('content-type')).toBe('application/jwt');
    expect(await verifiedFor(rp, await userinfo.text())).toEqual({
      sub: person.username,
      email: person.email,
      iss: service().issuer,
      aud: rp.clientId,
      iat: expect.any(Number),
    });
    // openid-client reads the signed answer as the client's UserInfo.
    expect(
      await client.fetchUserInfo(rp.config, tokens.access_token, person.username),
    ).toMatchObject({ sub: person.username, email: person.email });
  });

  it('shows the logo of a client whose logo comes from an allowed origin, and lets the page load it from there alone', async () => {
    const logo = `${LOGO_ORIGIN}/rp-${random()}.png`;
    const rp = await registerRelyingParty({ logo_uri: logo });
    const { jwt } = await requestObject(rp);
    service().served.set(rp.paths.object, { type: 'application/oauth-authz-req+jwt', body: jwt });
    const browser = await signedIn();
    const consent = await browser.navigate(
      authorizationUrl(rp, `${service().receiver}${rp.paths.object}`).href,
    );
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain(`<img id="consent-logo" src="${logo}"`);
    expect(consent.headers.get('content-security-policy')).toContain(
      `img-src 'self' data: ${LOGO_ORIGIN};`,
    );
  });
});

describe('refusals', () => {
  /** Where /authorize sends a signed-in browser for `requestUri`, as the client reads it. */
  async function refusalAt(rp: RelyingParty, requestUri: string) {
    const browser = await signedIn();
    const state = client.randomState();
    const answer = await browser.navigate(authorizationUrl(rp, requestUri, state).href);
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(rp.redirectUri);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(service().issuer);
    expect(location.searchParams.has('code')).toBe(false);
    return {
      error: location.searchParams.get('error'),
      error_description: location.searchParams.get('error_description'),
    };
  }

  it('refuses a request_uri the client did not register, without fetching it: invalid_request_uri at the redirect URI', async () => {
    const rp = await registerRelyingParty();
    const { jwt } = await requestObject(rp);
    // A valid object, published where the client registered nothing.
    const unregistered = `/requests/${random()}-unregistered.jwt`;
    service().served.set(unregistered, { type: 'application/oauth-authz-req+jwt', body: jwt });
    const fetchedBefore = service().fetched.length;
    for (const requestUri of [
      `${service().receiver}${unregistered}`,
      `${service().receiver}${rp.paths.object}/../..${unregistered}`,
    ]) {
      expect(await refusalAt(rp, requestUri)).toEqual({
        error: 'invalid_request_uri',
        error_description: "request_uri is not one of the client's registered request_uris",
      });
    }
    expect(service().fetched.slice(fetchedBefore)).toEqual([]);
  });

  it('refuses a request object larger than 16 KiB: invalid_request_uri at the redirect URI', async () => {
    const rp = await registerRelyingParty();
    const { claims } = await requestObject(rp);
    const big = new UnsecuredJWT({ ...claims, padding: 'x'.repeat(17 * 1024) }).encode();
    service().served.set(rp.paths.big, { type: 'application/oauth-authz-req+jwt', body: big });
    expect(await refusalAt(rp, `${service().receiver}${rp.paths.big}`)).toEqual({
      error: 'invalid_request_uri',
      error_description: 'The request object at request_uri is larger than 16384 bytes',
    });
  });

  it('refuses a request_uri that cannot be fetched (nobody listens, or no 200): invalid_request_uri at the redirect URI', async () => {
    const rp = await registerRelyingParty();
    const couldNot = {
      error: 'invalid_request_uri',
      error_description: 'The request object could not be fetched from request_uri',
    };
    const unreachable = (rp.registered.request_uris as string[])[2];
    expect(await refusalAt(rp, unreachable)).toEqual(couldNot);
    // Registered, but nothing published there: the receiver answers 204.
    expect(await refusalAt(rp, `${service().receiver}${rp.paths.object}`)).toEqual(couldNot);
  });

  it('refuses an http logo_uri at registration: invalid_client_metadata', async () => {
    const answer = await register(service(), {
      redirect_uris: [`${service().receiver}/callback/http-logo`],
      token_endpoint_auth_method: 'client_secret_basic',
      logo_uri: 'http://rp.acceptance.example/logo.png',
    });
    expect({ status: answer.status, body: await answer.json() }).toEqual({
      status: 400,
      body: {
        error: 'invalid_client_metadata',
        error_description: 'logo_uri must be an https URL',
      },
    });
  });
});
