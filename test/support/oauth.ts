import { randomBytes, createHash } from 'node:crypto';
import type { App } from 'supertest/types';
import request from 'supertest';
import { consentForm } from './fetch-browser';
import { TestApp, createTestApp } from './test-app';
import { bootedTestApp, useBooted } from './use-test-app';

export const DEMO_CLIENT = {
  id: 'demo-client',
  secret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
};
export const DEMO_SPA = { id: 'demo-spa', redirectUri: 'http://127.0.0.1:25002/callback' };

/** The fix a refusal of a seeded demo client ends with (src/clients/demo-client-fixes.ts). */
const OWN_CLIENT = (flag: '--redirect-uri' | '--resource') =>
  `; for another, add a client of your own: npm run admin -- clients add <id> ${flag} <URI> ` +
  '(docs/ADMINISTRATION.md), or OAUTH_CLIENTS';
/** /authorize's refusal of a redirect URI a seeded demo client does not have: it names the fix. */
export const UNREGISTERED_REDIRECT = {
  [DEMO_CLIENT.id]:
    'redirect_uri is not registered for this client. demo-client (demo data) takes redirect_uri ' +
    `http://localhost:25001/callback or http://127.0.0.1:<any port>/callback${OWN_CLIENT('--redirect-uri')}`,
  [DEMO_SPA.id]:
    'redirect_uri is not registered for this client. demo-spa (demo data) takes redirect_uri ' +
    `http://127.0.0.1:<any port>/callback${OWN_CLIENT('--redirect-uri')}`,
} as const;
/** The refusal of a resource a seeded demo client may not use, outside production. */
export const RESOURCE_NOT_ALLOWED = {
  [DEMO_CLIENT.id]:
    'resource is not allowed for this client. demo-client (demo data) takes resource ' +
    `http://localhost:<any port>/mcp besides the default${OWN_CLIENT('--resource')}`,
  [DEMO_SPA.id]:
    'resource is not allowed for this client. demo-spa (demo data) takes no resource besides ' +
    `the default${OWN_CLIENT('--resource')}`,
} as const;
/** The refusal of a scope this server does not grant: it names those it does. */
export const unsupportedScope = (scope: string): string =>
  `Unsupported scope: ${scope} (supported: openid profile email api account offline_access identity age)`;

/** A confidential client that is not first-party (its users see the consent screen). */
export const PARTNER = {
  id: 'partner',
  secret: 'partner-secret',
  redirectUri: 'http://127.0.0.1:7100/callback',
};

export interface ConfiguredClient {
  id: string;
  secret?: string;
  redirectUri: string;
  name?: string;
}

/** One entry of OAUTH_CLIENTS for `client`, with `settings` (first_party, resources, ...). */
export function clientEntry(
  client: ConfiguredClient,
  settings: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    client_id: client.id,
    ...(client.secret === undefined ? {} : { client_secret: client.secret }),
    redirect_uris: [client.redirectUri],
    ...(client.name === undefined ? {} : { name: client.name }),
    ...settings,
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export type Agent = ReturnType<typeof request.agent>;

/**
 * GET `path` (an authorization request) as the signed-in `agent`: the consent page when one is
 * shown (then Allow, and the request again, where the consent screen sends the browser), and
 * where the browser is sent back to the client (a 302, or the test fails).
 */
export async function authorizeAllowing(
  agent: Agent,
  path: string,
): Promise<{ consentPage?: string; location: URL }> {
  let res = await agent.get(path);
  let consentPage: string | undefined;
  if (res.status === 200) {
    consentPage = res.text;
    const allowed = await agent
      .post('/consent')
      .type('form')
      .send({ decision: 'allow', ...consentForm(res.text) })
      .expect(303);
    // Back to the request as the consent screen sends the browser (a pushed one is held by now).
    res = await agent.get(allowed.headers.location);
  }
  if (res.status !== 302) throw new Error(`the authorization request answered ${res.status}`);
  return { consentPage, location: new URL(res.headers.location) };
}

/** Logs in through the real /login form (CSRF token from the page, session cookie kept). */
// Resolves to the 303 that ends a successful login; anything else fails the calling test.
export async function login(
  agent: Agent,
  returnTo = '/',
  username = 'user0',
  password = 'password0',
): Promise<request.Response> {
  const page = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`).expect(200);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new Error('no CSRF token on the login page');
  return agent
    .post('/login')
    .type('form')
    .send({ username, password, csrf_token: csrf, return_to: returnTo })
    .expect(303);
}

export interface AuthorizeParams {
  client_id?: string;
  redirect_uri?: string;
  response_type?: string;
  response_mode?: string;
  state?: string;
  scope?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  nonce?: string;
  resource?: string;
  prompt?: string;
  claims?: string;
  acr_values?: string;
}

/**
 * Where /authorize sends the browser back to the client: its 302 `Location`, or, for an error of
 * a client that registered itself (RFC 9700 §4.11.2), the link on the 400 page shown instead.
 */
export function clientResponseOf(res: {
  status: number;
  headers: Record<string, string>;
  text: string;
}): URL {
  if (res.status === 302) return new URL(res.headers.location);
  const href = /<a id="back-to-client" href="([^"]+)"/.exec(res.text)?.[1];
  if (res.status !== 400 || href === undefined) {
    throw new Error(`/authorize answered ${res.status}, neither a redirect nor a link back`);
  }
  return new URL(href.replace(/&amp;/g, '&'));
}

export function authorizePath(params: AuthorizeParams): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return `/authorize?${query.toString()}`;
}

/**
 * An authorization request of `client` for a code to its redirect URI, with a fresh S256
 * challenge (its verifier thrown away: for requests never redeemed) and `params` besides.
 */
export function codeRequestOf(
  client: { id: string; redirectUri: string },
  params: Record<string, string> = {},
): Record<string, string> {
  return {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...params,
  };
}

/** The /authorize path of a DEMO_CLIENT request (a fresh S256 challenge) with `state`. */
export function demoAuthorizePath(state: string): string {
  return authorizePath(codeRequestOf(DEMO_CLIENT, { state }));
}

/** A logged-in agent's authorization request, answered with a code for DEMO_CLIENT. */
export async function obtainCode(
  agent: Agent,
  overrides: AuthorizeParams = {},
): Promise<{ code: string; verifier: string; state: string; location: URL }> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const res = await agent
    .get(
      authorizePath({
        client_id: DEMO_CLIENT.id,
        redirect_uri: DEMO_CLIENT.redirectUri,
        response_type: 'code',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...overrides,
      }),
    )
    .expect(302);
  const location = new URL(res.headers.location);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.toString()}`);
  return { code, verifier, state, location };
}

export function exchangeCode(
  app: App,
  code: string,
  verifier: string | undefined,
  client: { id: string; secret?: string; redirectUri: string } = DEMO_CLIENT,
) {
  const req = request(app).post('/token').type('form');
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
  };
  if (verifier !== undefined) form.code_verifier = verifier;
  if (client.secret) req.set('Authorization', basic(client.id, client.secret));
  else form.client_id = client.id;
  return req.send(form);
}

/** A code of DEMO_CLIENT for the logged-in `agent` (with `overrides`), exchanged: the tokens. */
export async function tokensFor(
  app: App,
  agent: Agent,
  overrides: AuthorizeParams = {},
): Promise<{ access_token: string; refresh_token: string }> {
  const { code, verifier } = await obtainCode(agent, overrides);
  const res = await exchangeCode(app, code, verifier).expect(200);
  return res.body as { access_token: string; refresh_token: string };
}

export function refresh(app: App, refreshToken: string, client = DEMO_CLIENT) {
  return request(app)
    .post('/token')
    .type('form')
    .set('Authorization', basic(client.id, client.secret))
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken });
}

/**
 * An authorization request of `client` pushed to /par (RFC 9126), with PKCE S256 and state `st`
 * (a confidential client authenticates with its secret), answered 201: its request_uri.
 */
export async function pushAuthorizationRequest(
  t: TestApp,
  client: { id: string; secret?: string; redirectUri: string } = DEMO_SPA,
  extra: Record<string, string> = {},
): Promise<string> {
  const req = t.http().post('/par').type('form');
  if (client.secret) req.set('Authorization', basic(client.id, client.secret));
  const res = await req
    .send({
      ...(client.secret ? {} : { client_id: client.id }),
      redirect_uri: client.redirectUri,
      response_type: 'code',
      state: 'st',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...extra,
    })
    .expect(201);
  return res.body.request_uri as string;
}

/** A test app with a browser agent already logged in as user0, for specs of the OAuth flow. */
export async function createLoggedInApp(
  env: Record<string, string> = {},
): Promise<{ t: TestApp; agent: Agent }> {
  const t = await createTestApp(env);
  const agent = request.agent(t.app.getHttpServer());
  await login(agent);
  return { t, agent };
}

/** createLoggedInApp as a describe block's app (see useTestApp): `t.agent` is user0's browser. */
export function useLoggedInApp(
  env: Record<string, string> = {},
): TestApp & { readonly agent: Agent } {
  const booted = useBooted(
    () => createLoggedInApp(env),
    ({ t }) => t.close(),
  );
  return Object.defineProperty(
    bootedTestApp(() => booted().t),
    'agent',
    {
      get: () => booted().agent,
      enumerable: true,
    },
  ) as TestApp & { readonly agent: Agent };
}

/** GET /api/me with `accessToken` as a bearer token (RFC 6750 §2.1). */
export function getMe(t: Pick<TestApp, 'http'>, accessToken: string) {
  return t.http().get('/api/me').set('Authorization', `Bearer ${accessToken}`);
}

/** POST /introspect (RFC 7662) of `token`, by `client` authenticated with its secret. */
export function introspect(
  t: Pick<TestApp, 'http'>,
  token: string,
  client: { id: string; secret: string },
) {
  return t
    .http()
    .post('/introspect')
    .type('form')
    .set('Authorization', basic(client.id, client.secret))
    .send({ token });
}
