/**
 * The demo OAuth client: a confidential client of Proofgate (authorization code + PKCE S256)
 * on node:http, with server-rendered pages under a strict CSP and no scripts at all.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthorizationDenied,
  CallbackRefused,
  DemoOAuthClient,
  TokenEndpointError,
} from './oauth-flow';
import { type ErrorView, STYLESHEET, debugPage, errorPage, homePage, tokensPage } from './pages';
import {
  type AuthorizationKind,
  type Session,
  SessionStore,
  type StepUpRequest,
  redact,
  sameSecret,
} from './sessions';

export interface DemoClientOptions {
  /**
   * 25001 matches `demo-client`'s redirect URI on localhost; on 127.0.0.1 (`siteHost`) any port
   * does (RFC 8252 §7.3).
   */
  port: number;
  /** Proofgate's issuer, e.g. http://localhost:25000. */
  authorizationServer: string;
  /** Where it listens (default 127.0.0.1). */
  host?: string;
  /** The host of its own URL and redirect URI (default localhost). */
  siteHost?: 'localhost' | '127.0.0.1';
  clientId?: string;
  clientSecret?: string;
  /** The protected resource called with the access token (default: Proofgate's /api/me). */
  api?: string;
  /** Replaces `fetch` for requests to Proofgate. */
  fetch?: typeof fetch;
}

export interface DemoClient {
  url: string;
  close: () => Promise<void>;
}

const MAX_FORM_BYTES = 4096;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The callback URL carries the code: never hand it on in a Referer.
  'Referrer-Policy': 'no-referrer',
};

const NEGATIVE_TESTS: Record<string, AuthorizationKind> = {
  '/test/missing-state': 'missing_state',
  '/test/missing-pkce': 'missing_pkce',
  '/test/plain-method': 'plain_method',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startDemoClient(options: DemoClientOptions): Promise<DemoClient> {
  const host = options.host ?? '127.0.0.1';
  const siteHost = options.siteHost ?? 'localhost';
  const baseUrl = `http://${siteHost}:${options.port}`;
  const authorizationServer = options.authorizationServer.replace(/\/+$/, '');
  const sessions = new SessionStore();
  const clientId = options.clientId ?? 'demo-client';
  const oauthClient = new DemoOAuthClient({
    authorizationServer,
    clientId,
    clientSecret: options.clientSecret ?? 'demo-secret',
    redirectUri: `${baseUrl}/callback`,
    scope: 'profile api',
    ...(options.api ? { api: options.api } : {}),
    fetch: options.fetch,
  });

  async function startAuthorization(
    kind: AuthorizationKind,
    req: IncomingMessage,
    res: ServerResponse,
    stepUp?: StepUpRequest,
  ): Promise<void> {
    const session = sessions.findOrCreate(req, res);
    const { url, pending } = await oauthClient.startAuthorization(kind, stepUp);
    // A new request replaces any unanswered one: its state can no longer be redeemed here.
    session.pending = pending;
    res.writeHead(302, { Location: url.href, 'Cache-Control': 'no-store' }).end();
  }

  async function callback(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    const session = sessions.find(req);
    const pending = session && sessions.pendingOf(session);
    try {
      oauthClient.checkState(pending, query);
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      // The pending request is kept: a forged callback must not cancel the user's own login.
      return send(
        res,
        400,
        callbackRefusedPage(error, [['state received', query.get('state') ?? '(none)']]),
      );
    }
    // checkState guarantees both exist; the request is answered once, whatever the outcome.
    const current = session!;
    const request = pending!;
    current.pending = undefined;
    try {
      const result = await oauthClient.redeem(request, query);
      // RFC 9470 §4: the resource asks for a stronger sign-in; authorize again with what it asked,
      // once: the step-up's own tokens, if refused too, are shown with the refusal (no loop).
      if (result.me.stepUp && !request.stepUp) {
        return startAuthorization(request.kind, req, res, result.me.stepUp);
      }
      current.tokens = result.tokens;
      current.lastCode = result.code;
      send(
        res,
        200,
        tokensPage({
          heading: request.stepUp ? 'Signed in, stepped up' : 'Signed in',
          intro: 'The code was redeemed server-side with the PKCE verifier from this session.',
          authorizationResponse: { code: result.code, state: result.state, iss: result.iss },
          tokens: result.tokens,
          me: result.me,
          csrfToken: current.csrfToken,
        }),
      );
    } catch (error) {
      if (error instanceof AuthorizationDenied) {
        return send(
          res,
          400,
          errorPage({
            heading: 'Authorization refused by Proofgate',
            details: [
              ['error', error.parameters.get('error')],
              ['error_description', error.parameters.get('error_description') ?? undefined],
              ['iss', error.parameters.get('iss') ?? undefined],
              ['state', error.parameters.get('state') ?? '(none)'],
              ['test', request.kind],
            ],
          }),
        );
      }
      if (error instanceof CallbackRefused) return send(res, 400, callbackRefusedPage(error));
      throw error;
    }
  }

  async function refresh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = sessions.find(req);
    const form = await readForm(req);
    const csrf = form.get('csrf_token') ?? '';
    if (!session || !sameSecret(csrf, session.csrfToken)) {
      throw new HttpError(403, 'The form is not from this session (CSRF token mismatch).');
    }
    const previous = session.tokens?.refreshToken;
    if (!previous) throw new HttpError(400, 'This session holds no refresh token.');
    const result = await oauthClient.refresh(previous);
    session.tokens = result.tokens;
    send(
      res,
      200,
      tokensPage({
        heading: 'Tokens refreshed',
        intro: 'Proofgate rotated the refresh token: the previous one is spent.',
        tokens: result.tokens,
        previousRefreshToken: previous,
        me: result.me,
        csrfToken: session.csrfToken,
      }),
    );
  }

  function debugState(req: IncomingMessage, res: ServerResponse): void {
    const session = sessions.find(req);
    send(res, 200, debugPage(session ? redactedSession(session, sessions) : { session: null }));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const key = `${method} ${url.pathname}`;
    if (key === 'GET /') return send(res, 200, homePage(authorizationServer, clientId));
    if (key === 'GET /static/demo-client.css') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'max-age=300',
      });
      return void res.end(STYLESHEET);
    }
    if (key === 'GET /login') return startAuthorization('authorize', req, res);
    if (method === 'GET' && url.pathname in NEGATIVE_TESTS) {
      return startAuthorization(NEGATIVE_TESTS[url.pathname], req, res);
    }
    if (key === 'GET /callback') return callback(req, res, url.searchParams);
    if (key === 'POST /refresh') return refresh(req, res);
    if (key === 'GET /debug/state') return debugState(req, res);
    throw new HttpError(404, 'Not found.');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof HttpError) {
        return send(
          res,
          error.status,
          errorPage({ heading: 'Request refused', message: error.message }),
        );
      }
      if (error instanceof TokenEndpointError) {
        return send(
          res,
          400,
          errorPage({
            heading: 'Token endpoint error',
            message: 'Proofgate refused the token request.',
            details: [
              ['error', error.error],
              ['error_description', error.errorDescription],
              ['status', error.status],
            ],
          }),
        );
      }
      // Only the message: oauth4webapi errors may carry the response parameters as their cause.
      console.error(`demo-client: ${req.method} ${req.url?.split('?')[0]}: ${String(error)}`);
      send(
        res,
        502,
        errorPage({
          heading: 'Something went wrong',
          message: `The request failed; is Proofgate running at ${authorizationServer}?`,
        }),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${options.port} is already in use; the demo client needs it because its redirect URI is ${baseUrl}/callback`,
            )
          : error,
      ),
    );
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${siteHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The page of a callback refused before any code was sent to Proofgate (state, iss). */
function callbackRefusedPage(error: CallbackRefused, details?: ErrorView['details']): string {
  return errorPage({
    heading: 'Callback refused',
    message: `${error.message}. No code exchange was attempted.`,
    details,
  });
}

function send(res: ServerResponse, status: number, page: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(page);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'Expected a form (application/x-www-form-urlencoded).');
  }
  let body = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    body += chunk.toString('utf8');
    if (body.length > MAX_FORM_BYTES) throw new HttpError(413, 'Form too large.');
  }
  return new URLSearchParams(body);
}

function redactedSession(session: Session, sessions: SessionStore): unknown {
  const pending = sessions.pendingOf(session);
  return {
    session_id: redact(session.id),
    created_at: new Date(session.createdAt).toISOString(),
    csrf_token: redact(session.csrfToken),
    pending_authorization: pending && {
      kind: pending.kind,
      started_at: new Date(pending.startedAt).toISOString(),
      state: redact(pending.state),
      code_verifier: redact(pending.codeVerifier),
      // Public: it was sent in the authorization URL.
      code_challenge:
        pending.codeChallengeMethod === 'S256'
          ? pending.codeChallenge
          : redact(pending.codeChallenge),
      code_challenge_method: pending.codeChallengeMethod,
    },
    last_code: redact(session.lastCode),
    tokens: session.tokens && {
      access_token: redact(session.tokens.accessToken),
      refresh_token: redact(session.tokens.refreshToken),
      token_type: session.tokens.tokenType,
      expires_in: session.tokens.expiresIn,
      scope: session.tokens.scope,
      received_at: new Date(session.tokens.receivedAt).toISOString(),
    },
  };
}
