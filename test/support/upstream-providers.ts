/**
 * Upstream identity providers on loopback for the upstream sign-in specs: a real OpenID provider
 * (node-oidc-provider, as a child process), a GitHub-like OAuth 2.0 provider (authorize, token,
 * a user API with a numeric `id`), and an OpenID provider whose answers a spec writes (a wrong
 * `aud`, an answer that is no JSON): real HTTP servers each, and the steps a user's browser takes
 * at them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { CookieBrowser } from './cookie-browser';
import { exitOf, freePort } from './processes';

const SERVER_SCRIPT = join(__dirname, 'oidc-provider', 'server.mjs');
const START_TIMEOUT_MS = 30_000;

/** A provider's registered client: Proofgate. */
export interface ProviderClient {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly redirect_uris: readonly string[];
  readonly token_endpoint_auth_method?: string;
  readonly jwks?: { keys: JWK[] };
}

export interface OidcProviderProcess {
  readonly issuer: string;
  stop(): Promise<void>;
}

/**
 * node-oidc-provider on 127.0.0.1, its issuer `http://localhost:<port>`, with `clients` and
 * `accounts` (an account id's claims beside `sub`), its ID tokens living `idTokenTtlSeconds`.
 */
export async function startOidcProvider({
  clients,
  accounts,
  idTokenTtlSeconds = 60,
}: {
  clients: readonly ProviderClient[];
  accounts: Readonly<Record<string, Record<string, unknown>>>;
  idTokenTtlSeconds?: number;
}): Promise<OidcProviderProcess> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const settings = {
    port,
    issuer,
    clients: clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      ...client,
    })),
    accounts,
    idTokenTtlSeconds,
  };
  const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify(settings)], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await listening(child, port);
  return { issuer, stop: () => stopChild(child) };
}

function listening(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the OpenID provider did not start:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the OpenID provider exited (${code}):\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  await exited;
}

/** What the user does at the provider: sign in as `login` (with its amr, acr), or cancel. */
export type ProviderStep =
  | { readonly login: string; readonly amr?: string; readonly acr?: string }
  | { readonly abort: true };

/**
 * The user's browser at node-oidc-provider: from the authorization request Proofgate sent it to,
 * through the provider's interaction (signed in and consented, or cancelled), to the provider's
 * redirect back: the callback URL, not yet opened.
 */
export async function throughOidcProvider(
  browser: CookieBrowser,
  authorizationUrl: string,
  step: ProviderStep,
): Promise<URL> {
  const origin = new URL(authorizationUrl).origin;
  let res = await browser.navigate(authorizationUrl);
  let acted = false;
  for (let hops = 0; hops < 10; hops++) {
    const location = res.headers.get('location');
    if (location === null) {
      throw new Error(`the provider answered ${res.status}: ${await res.text()}`);
    }
    const next = new URL(location, origin);
    if (next.origin !== origin) return next;
    if (!acted && /^\/interaction\/[^/]+$/.test(next.pathname)) {
      acted = true;
      res =
        'abort' in step
          ? await browser.postForm(`${next.href}/abort`, {})
          : await browser.postForm(`${next.href}/login`, {
              login: step.login,
              ...(step.amr === undefined ? {} : { amr: step.amr }),
              ...(step.acr === undefined ? {} : { acr: step.acr }),
            });
      continue;
    }
    res = await browser.navigate(next.href);
  }
  throw new Error('the provider never sent the browser back');
}

/** A small HTTP server on 127.0.0.1 and a free port, with its base URL. */
async function serve(
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>,
): Promise<{ server: Server; base: string }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      Promise.resolve(handle(req, body, res)).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** RFC 7636 §4.6: S256 of the verifier. */
function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

interface IssuedCode {
  readonly user: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string | null;
  readonly nonce: string | null;
}

export interface GithubLikeProvider {
  /** Its OAuth 2.0 endpoints, as UPSTREAM_PROVIDERS names them. */
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly userinfoEndpoint: string;
  /** Who is signed in at the provider: its authorize endpoint approves at once for them. */
  signedInAs: string;
  /** The next authorization is refused by the user (`error=access_denied`). */
  denyNext: boolean;
  /** The user API's answers seen, with the User-Agent each request carried. */
  readonly userAgents: string[];
  stop(): Promise<void>;
}

/**
 * An OAuth 2.0 provider that behaves like GitHub: `/login/oauth/authorize` (a user already signed
 * in and who authorized the app before is sent straight back), `/login/oauth/access_token`
 * (client_secret_post, PKCE S256, JSON when asked), and `/user` with the numeric `id`, refusing a
 * request without a User-Agent as GitHub's API does.
 */
export async function startGithubLikeProvider({
  clientId,
  clientSecret,
  users,
}: {
  clientId: string;
  clientSecret: string;
  /** Each user's `/user` answer: an object, or JSON text sent as it is. */
  users: Readonly<Record<string, Record<string, unknown> | string>>;
}): Promise<GithubLikeProvider> {
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, string>();
  const state = { signedInAs: Object.keys(users)[0], denyNext: false };
  const userAgents: string[] = [];
  const { server, base } = await serve((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      const back = url.searchParams.get('state');
      if (url.searchParams.get('client_id') !== clientId) return json(res, 404, {});
      if (state.denyNext) {
        state.denyNext = false;
        redirect.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(10).toString('hex');
        codes.set(code, {
          user: state.signedInAs,
          clientId,
          redirectUri: redirect.href,
          challenge: url.searchParams.get('code_challenge'),
          nonce: null,
        });
        redirect.searchParams.set('code', code);
      }
      if (back !== null) redirect.searchParams.set('state', back);
      res.writeHead(302, { location: redirect.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(body);
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const ok =
        form.get('client_id') === clientId &&
        form.get('client_secret') === clientSecret &&
        code !== undefined &&
        code.redirectUri === form.get('redirect_uri') &&
        (code.challenge === null || code.challenge === s256(form.get('code_verifier') ?? ''));
      // GitHub answers its errors with 200 and an `error` field.
      const answer: Record<string, string> = ok
        ? { access_token: mintToken(tokens, code.user), token_type: 'bearer', scope: 'read:user' }
        : { error: 'bad_verification_code', error_description: 'The code passed is incorrect.' };
      if (/application\/json/.test(req.headers.accept ?? '')) return json(res, 200, answer);
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      res.end(new URLSearchParams(answer).toString());
      return;
    }
    if (req.method === 'GET' && url.pathname === '/user') {
      const agent = req.headers['user-agent'];
      if (!agent) return json(res, 403, { message: 'Request forbidden: missing User-Agent' });
      userAgents.push(agent);
      const token = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const user = token === undefined ? undefined : tokens.get(token);
      if (user === undefined) return json(res, 401, { message: 'Bad credentials' });
      const answer = users[user];
      if (typeof answer !== 'string') return json(res, 200, answer);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      return;
    }
    json(res, 404, { message: 'Not Found' });
  });
  return {
    authorizationEndpoint: `${base}/login/oauth/authorize`,
    tokenEndpoint: `${base}/login/oauth/access_token`,
    userinfoEndpoint: `${base}/user`,
    get signedInAs() {
      return state.signedInAs;
    },
    set signedInAs(user: string) {
      state.signedInAs = user;
    },
    get denyNext() {
      return state.denyNext;
    },
    set denyNext(deny: boolean) {
      state.denyNext = deny;
    },
    userAgents,
    stop: () => close(server),
  };
}

function mintToken(tokens: Map<string, string>, user: string): string {
  const token = `gho_${randomBytes(16).toString('hex')}`;
  tokens.set(token, user);
  return token;
}

/** How the scripted provider answers its token endpoint. */
export type TokenAnswer =
  /**
   * An ID token of these claims, over the correct ones (iss, sub, aud, nonce, iat, exp); signed
   * with a key its JWKS does not hold when `forged`, under the kid of the one it does. `again`:
   * members written a second time after all the others, in the payload text it signs.
   */
  | {
      readonly kind: 'id_token';
      readonly claims?: Record<string, unknown>;
      readonly forged?: boolean;
      readonly again?: Record<string, unknown>;
    }
  /** 200 with an HTML page: an answer that is no token response. */
  | { readonly kind: 'garbage' };

export interface ScriptedOidcProvider {
  readonly issuer: string;
  /** The account signed in at it (its `sub`). */
  subject: string;
  tokenAnswer: TokenAnswer;
  stop(): Promise<void>;
}

/**
 * An OpenID provider whose token answers a spec decides: discovery, its JWKS (ES256), an
 * authorize endpoint that approves at once, and a token endpoint that answers an ID token (a spec
 * may override its claims, a wrong `aud`, or forge its signature) or garbage. For the refusals a
 * well-behaved provider never gives a reason to. With `issInResponses` (the default) it advertises
 * RFC 9207 `iss` and sends it; without, it does neither, as Google does.
 */
export async function startScriptedOidcProvider({
  clientId,
  issInResponses = true,
}: {
  clientId: string;
  issInResponses?: boolean;
}): Promise<ScriptedOidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const forger = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'scripted', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const script: Omit<ScriptedOidcProvider, 'issuer' | 'stop'> = {
    subject: 'scripted-user',
    tokenAnswer: { kind: 'id_token' },
  };
  let issuer = '';
  const { server, base } = await serve(async (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        ...(issInResponses ? { authorization_response_iss_parameter_supported: true } : {}),
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        user: script.subject,
        clientId,
        redirectUri: redirect.href,
        challenge: url.searchParams.get('code_challenge'),
        nonce: url.searchParams.get('nonce'),
      });
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      if (issInResponses) redirect.searchParams.set('iss', issuer);
      res.writeHead(302, { location: redirect.href }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.challenge !== s256(form.get('code_verifier') ?? '')) {
        return json(res, 400, { error: 'invalid_grant' });
      }
      codes.delete(form.get('code') ?? '');
      if (script.tokenAnswer.kind === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const claims = JSON.stringify({
        iss: issuer,
        sub: code.user,
        aud: clientId,
        iat: now,
        exp: now + 300,
        ...(code.nonce === null ? {} : { nonce: code.nonce }),
        ...script.tokenAnswer.claims,
      });
      const again = JSON.stringify(script.tokenAnswer.again ?? {}).slice(1, -1);
      const payload = again === '' ? claims : `${claims.slice(0, -1)},${again}}`;
      const idToken = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'ES256', kid: 'scripted' })
        .sign(script.tokenAnswer.forged ? forger.privateKey : privateKey);
      return json(res, 200, {
        access_token: randomBytes(16).toString('hex'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    json(res, 404, { error: 'not_found' });
  });
  issuer = base;
  return Object.assign(script, { issuer, stop: () => close(server) });
}
