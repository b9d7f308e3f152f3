/**
 * The admin API of issue #77 as automation drives it, written from docs/ADMINISTRATION.md and
 * docs/ENDPOINTS.md alone: admin tokens by `client_credentials` with oauth4webapi (an assertion
 * from a jose-made key, or a secret), JSON calls under `/admin/v1` with `If-Match`, and what a
 * person holds: a code-flow token of the first-party demo-client (oauth4webapi, PKCE).
 */
import * as oauth from 'oauth4webapi';
import type { CookieBrowser } from '../support/cookie-browser';
import type { AcceptanceService, SecretClient } from './service';

export type Json = Record<string, unknown>;

/** A confidential client of the code flow: its id, secret and redirect URI. */
export interface WebClient {
  readonly clientId: string;
  readonly secret: string;
  readonly redirectUri: string;
}

/** The demo data of a development database (README, Quick start): first-party, confidential. */
export const DEMO_CLIENT: WebClient = {
  clientId: 'demo-client',
  secret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
};

/** An answer read once: status, headers, the body as text and as JSON (`{}` when empty). */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Json;
}

export async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Json = {};
  try {
    if (text !== '') body = JSON.parse(text) as Json;
  } catch {
    body = {};
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** The one error envelope, `{ error, error_description }`, with its status (and nothing else of ours). */
export function expectRefusal(answer: Answer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error });
  expect(typeof answer.body.error_description).toBe('string');
  expect((answer.body.error_description as string).length).toBeGreaterThan(0);
  expect(answer.text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** oauth4webapi's leave to talk to the service's http issuer (a loopback port). */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The service's metadata as oauth4webapi reads it (RFC 8414 over OpenID discovery). */
export async function authorizationServer(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(
    url,
    await oauth.discoveryRequest(url, { algorithm: 'oidc', ...insecure }),
  );
}

/** A client_credentials token of `clientId`, authenticated as `auth` says: the access token. */
export async function clientCredentialsToken(
  issuer: string,
  clientId: string,
  auth: oauth.ClientAuth,
  scope: string,
): Promise<string> {
  const as = await authorizationServer(issuer);
  const client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, auth, { scope }, insecure);
  return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
}

/** A form POST to one of the service's endpoints with a client's secret (client_secret_basic). */
export async function postWithSecret(
  issuer: string,
  path: string,
  client: SecretClient,
  form: Record<string, string>,
): Promise<Answer> {
  return read(
    await fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { authorization: basic(client.clientId, client.secret) },
      body: new URLSearchParams(form),
    }),
  );
}

/** Admin tokens of the service's two admin clients (OAUTH_CLIENTS with `admin_scopes`). */
export function adminTokenOf(
  service: AcceptanceService,
  who: 'keyed' | 'secret',
  scope = 'admin:read admin:write',
): Promise<string> {
  const { adminKeyed, adminSecret } = service.machines;
  return who === 'keyed'
    ? clientCredentialsToken(
        service.issuer,
        adminKeyed.clientId,
        oauth.PrivateKeyJwt(adminKeyed.privateKey),
        scope,
      )
    : clientCredentialsToken(
        service.issuer,
        adminSecret.clientId,
        oauth.ClientSecretBasic(adminSecret.secret),
        scope,
      );
}

export interface CallOptions {
  readonly body?: unknown;
  readonly ifMatch?: string;
  readonly headers?: Record<string, string>;
}

/** The admin API with one token: `call('PATCH', '/users/alice', { body, ifMatch })`. */
export class AdminApi {
  constructor(
    private readonly issuer: string,
    private readonly token: string | undefined,
  ) {}

  url(path: string): string {
    return `${this.issuer}/admin/v1${path}`;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return read(
      await fetch(this.url(path), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: 'manual',
      }),
    );
  }

  get(path: string): Promise<Answer> {
    return this.call('GET', path);
  }

  /** Every item of a list, walking `next` back as `?cursor=` until it is `null`, page by page. */
  async walk(path: string, limit: number): Promise<{ pages: Json[][]; items: Json[] }> {
    const pages: Json[][] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) query.set('cursor', cursor);
      const page = await this.get(`${path}${path.includes('?') ? '&' : '?'}${query.toString()}`);
      expect(page.status).toBe(200);
      expect(Object.keys(page.body).sort()).toEqual(['items', 'next']);
      pages.push(page.body.items as Json[]);
      cursor = page.body.next as string | null;
      if (pages.length > 500) throw new Error(`${path} never ends its pages`);
    } while (cursor !== null);
    return { pages, items: pages.flat() };
  }
}

/** POST /register with the initial access token: a client that registered itself (RFC 7591). */
export async function selfRegister(service: AcceptanceService, metadata: Json): Promise<Json> {
  const answer = await read(
    await fetch(`${service.issuer}/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${service.initialAccessToken}`,
      },
      body: JSON.stringify(metadata),
    }),
  );
  expect(answer.status).toBe(201);
  return answer.body;
}

/**
 * The access token a first-party client gets for a signed-in browser by the code flow with PKCE,
 * scope `openid` (no consent screen), driven by oauth4webapi.
 */
export async function codeFlowAccessToken(
  issuer: string,
  browser: CookieBrowser,
  web: WebClient,
): Promise<string> {
  const as = await authorizationServer(issuer);
  const client = { client_id: web.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const state = oauth.generateRandomState();
  const authorize = new URL(as.authorization_endpoint!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: web.clientId,
    redirect_uri: web.redirectUri,
    scope: 'openid',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const answer = await browser.get(authorize.href);
  expect(answer.status).toBe(302);
  const callback = new URL(answer.headers.get('location')!);
  const parameters = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(web.secret),
    parameters,
    web.redirectUri,
    verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
  });
  return tokens.access_token;
}

/** Whether /introspect calls the token active, asked by the client it was issued to (RFC 7662). */
export async function tokenActive(issuer: string, web: WebClient, token: string): Promise<boolean> {
  const answer = await postWithSecret(issuer, '/introspect', web, { token });
  expect(answer.status).toBe(200);
  return answer.body.active === true;
}
