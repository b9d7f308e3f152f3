import { createHash, randomBytes } from 'node:crypto';
import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
  raceOutcome,
  statusOutcome,
} from './expectations';
import { HttpClient, Reply, csrfTokenOf, field } from './http';

/** The demo data a fresh development database is seeded with (README, Quick start). */
const USER = { username: 'user0', password: 'password0' };
const CLIENT = {
  id: 'demo-client',
  secret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
};
const PUBLIC_CLIENT_ID = 'demo-spa';
/**
 * RFC 8707 resources of the demo data: one demo-client may use besides the API (the default
 * resource of examples/mcp-server), and one no client is configured for.
 */
const RESOURCES = {
  allowed: 'http://localhost:25004/mcp',
  foreign: 'https://evil.example/api',
};

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** RFC 7636 §4.1-4.2: a 43-character verifier and its S256 challenge. */
export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface IssuedCode {
  code: string;
  verifier: string;
}

interface RedeemOptions {
  /** Omit the code_verifier parameter altogether. */
  verifier?: string;
  /** Redeem as the public client demo-spa instead of demo-client. */
  asPublicClient?: boolean;
  redirectUri?: string;
}

/**
 * The user's browser and the client application of the PKCE story, both talking to the
 * service over HTTP only. One login session serves every code the scenarios need.
 */
export class PkceLab {
  private readonly browser: HttpClient;
  private readonly api: HttpClient;
  private loggedIn = false;

  constructor(
    baseUrl: string,
    /** `issuer` from the RFC 8414 metadata: what `iss` must say (RFC 9207). */
    private readonly issuer: string,
    signal?: AbortSignal,
    /** The browser and the client connect from this local address (see HttpClient). */
    address?: string,
  ) {
    this.browser = new HttpClient(baseUrl, signal, undefined, address);
    this.api = new HttpClient(baseUrl, signal, undefined, address);
  }

  authorizePath(overrides: Record<string, string | undefined>): string {
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: CLIENT.id,
      redirect_uri: CLIENT.redirectUri,
      state: randomBytes(8).toString('hex'),
      scope: 'profile',
      code_challenge_method: 'S256',
      ...overrides,
    };
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params))
      if (value !== undefined) query.set(name, value);
    return `/authorize?${query.toString()}`;
  }

  /** Through the real login form: /authorize sends us to /login, which sends us back. */
  async login(authorizePath: string): Promise<Reply> {
    const first = await this.browser.get(authorizePath, { headers: { accept: 'text/html' } });
    const loginUrl = first.location ? new URL(first.location, this.browser.baseUrl) : undefined;
    if (first.status !== 302 || loginUrl?.pathname !== '/login') {
      throw new LabStepFailed(
        `GET /authorize without a session: ${describeReply(first)}, not 302 to /login`,
      );
    }
    const returnTo = loginUrl.searchParams.get('return_to') ?? '';
    const page = await this.browser.get(loginUrl.pathname + loginUrl.search, {
      headers: { accept: 'text/html' },
    });
    const csrf = csrfTokenOf(page);
    if (page.status !== 200 || !csrf) {
      throw new LabStepFailed(`GET /login: ${page.status}, no csrf_token in the form`);
    }
    const submitted = await this.browser.post('/login', {
      headers: { accept: 'text/html' },
      form: { ...USER, csrf_token: csrf, return_to: returnTo },
    });
    if (submitted.status !== 303 || submitted.location !== returnTo) {
      throw new LabStepFailed(`POST /login: ${submitted.status}, not 303 back to /authorize`);
    }
    this.loggedIn = true;
    return this.browser.get(submitted.location, { headers: { accept: 'text/html' } });
  }

  /** GET `path` (an /authorize request, of any client) in the user's browser, signed in first. */
  authorize(path: string): Promise<Reply> {
    return this.loggedIn
      ? this.browser.get(path, { headers: { accept: 'text/html' } })
      : this.login(path);
  }

  /** A fresh code for a fresh PKCE pair, from the logged-in browser. */
  async issueCode(overrides: Record<string, string> = {}): Promise<IssuedCode> {
    const pkce = newPkce();
    const state = randomBytes(8).toString('hex');
    const path = this.authorizePath({ ...overrides, code_challenge: pkce.challenge, state });
    const reply = await this.authorize(path);
    const callback = this.callbackOf(reply);
    const code = callback?.get('code');
    if (!code || callback?.get('state') !== state || callback.get('iss') !== this.issuer) {
      throw new LabStepFailed(`GET /authorize: ${reply.status} ${reply.location ?? ''}, no code`);
    }
    return { code, verifier: pkce.verifier };
  }

  /** The redirect's query when /authorize answered 302 to the client's redirect URI. */
  callbackOf(reply: Reply): URLSearchParams | undefined {
    if (reply.status !== 302 || !reply.location) return undefined;
    const target = new URL(reply.location, this.browser.baseUrl);
    if (`${target.origin}${target.pathname}` !== CLIENT.redirectUri) return undefined;
    return target.searchParams;
  }

  redeem(code: string, options: RedeemOptions = {}): Promise<Reply> {
    const form: Record<string, string> = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri ?? CLIENT.redirectUri,
    };
    if (options.verifier !== undefined) form.code_verifier = options.verifier;
    if (options.asPublicClient) {
      form.client_id = PUBLIC_CLIENT_ID;
      return this.api.post('/token', { form });
    }
    const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64');
    return this.api.post('/token', { form, headers: { authorization: `Basic ${basic}` } });
  }

  /** GET /end_session in the user's browser (OpenID Connect RP-Initiated Logout 1.0). */
  endSession(params: Record<string, string>): Promise<Reply> {
    const query = new URLSearchParams(params).toString();
    return this.browser.get(`/end_session${query ? `?${query}` : ''}`, {
      headers: { accept: 'text/html' },
    });
  }

  me(accessToken: string): Promise<Reply> {
    return this.api.get('/api/me', { headers: { authorization: `Bearer ${accessToken}` } });
  }

  // --- scenarios -------------------------------------------------------------------------

  async normalLogin(): Promise<Outcome> {
    const pkce = newPkce();
    const state = randomBytes(8).toString('hex');
    const back = await this.login(this.authorizePath({ code_challenge: pkce.challenge, state }));
    const callback = this.callbackOf(back);
    const code = callback?.get('code');
    const authorized = {
      expected: '302 with code, state, iss',
      answered: callback
        ? `${back.status} with ${['code', 'state', 'iss'].filter((p) => callback.has(p)).join(', ')}`
        : `${back.status} ${back.location ?? ''}`.trim(),
      passed: !!code && callback?.get('state') === state && callback?.get('iss') === this.issuer,
    };
    if (!code) return allOf(authorized);
    const tokens = await this.redeem(code, { verifier: pkce.verifier });
    const accessToken = field(tokens.json, 'access_token');
    const token = {
      expected: '/token 200',
      answered: `/token ${describeReply(tokens)}`,
      passed: tokens.status === 200 && !!accessToken,
    };
    if (!accessToken) return allOf(authorized, token);
    const me = await this.me(accessToken);
    const who = {
      expected: `/api/me 200 ${USER.username}`,
      answered: `/api/me ${describeReply(me)} ${field(me.json, 'sub') ?? ''}`.trim(),
      passed: me.status === 200 && field(me.json, 'sub') === USER.username,
    };
    return allOf(authorized, token, who);
  }

  async stolenCodeWrongVerifier(): Promise<Outcome> {
    const { code, verifier } = await this.issueCode();
    const attack = errorOutcome(await this.redeem(code, { verifier: newPkce().verifier }), {
      status: 400,
      error: 'invalid_grant',
      description: 'PKCE verification failed',
    });
    const owner = await this.redeem(code, { verifier });
    return allOf(attack, statusOutcome('owner then', owner, 200));
  }

  async stolenCodeNoVerifier(): Promise<Outcome> {
    const { code } = await this.issueCode();
    return errorOutcome(await this.redeem(code), {
      status: 400,
      error: 'invalid_grant',
      description: 'code_verifier is required: the code was issued with a code_challenge',
    });
  }

  /** A code redeemed once by its own client, for the replay rows: the access token it gave. */
  private async redeemedCode(): Promise<{ code: string; verifier: string; accessToken: string }> {
    const { code, verifier } = await this.issueCode();
    const first = await this.redeem(code, { verifier });
    const accessToken = field(first.json, 'access_token');
    if (first.status !== 200 || !accessToken) {
      throw new LabStepFailed(`first redemption: ${describeReply(first)}`);
    }
    return { code, verifier, accessToken };
  }

  async replayedCode(): Promise<Outcome> {
    const { code, verifier, accessToken } = await this.redeemedCode();
    const replay = errorOutcome(await this.redeem(code, { verifier }), CODE_ALREADY_USED);
    // RFC 6749 §4.1.2: tokens issued from a replayed code are revoked.
    const me = await this.me(accessToken);
    return allOf(replay, {
      expected: 'first token 401 at /api/me',
      answered: `first token ${me.status} at /api/me`,
      passed: me.status === 401,
    });
  }

  /** OAuth 2.1 §4.1.3: only the code's own client revokes by replaying it; anyone else is refused. */
  async replayByOtherClient(): Promise<Outcome> {
    const { code, verifier, accessToken } = await this.redeemedCode();
    const replay = errorOutcome(
      await this.redeem(code, { verifier, asPublicClient: true }),
      CODE_ALREADY_USED,
    );
    const me = await this.me(accessToken);
    return allOf(replay, {
      expected: "owner's token 200 at /api/me",
      answered: `owner's token ${me.status} at /api/me`,
      passed: me.status === 200,
    });
  }

  /**
   * RFC 6749 §5.2: a refused refresh (scope beyond the grant) leaves the token valid. The second
   * half runs after the lab's expiry wait, past the refresh grace window, where a token the
   * refusal had rotated would count as reused.
   */
  async startEscalatedRefresh(): Promise<{ refused: Outcome; refreshToken?: string }> {
    const { code, verifier } = await this.issueCode();
    const tokens = await this.redeem(code, { verifier });
    const refreshToken = field(tokens.json, 'refresh_token');
    if (tokens.status !== 200 || !refreshToken) {
      throw new LabStepFailed(`code exchange: ${describeReply(tokens)}`);
    }
    const refused = errorOutcome(await this.refresh(refreshToken, 'profile admin'), {
      status: 400,
      error: 'invalid_scope',
    });
    return { refused, refreshToken };
  }

  async finishEscalatedRefresh(started: { refused: Outcome; refreshToken?: string }) {
    if (!started.refreshToken) return started.refused;
    const later = await this.refresh(started.refreshToken);
    return allOf(started.refused, statusOutcome('the same refresh token later', later, 200));
  }

  refresh(refreshToken: string, scope?: string): Promise<Reply> {
    const form: Record<string, string> = {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    };
    if (scope !== undefined) form.scope = scope;
    const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64');
    return this.api.post('/token', { form, headers: { authorization: `Basic ${basic}` } });
  }

  async plainMethod(): Promise<Outcome> {
    return this.refusedAtAuthorize({
      code_challenge: newPkce().verifier,
      code_challenge_method: 'plain',
    });
  }

  async missingChallenge(): Promise<Outcome> {
    return this.refusedAtAuthorize({ code_challenge: undefined });
  }

  private async refusedAtAuthorize(
    overrides: Record<string, string | undefined>,
    expectedError = 'invalid_request',
  ): Promise<Outcome> {
    if (!this.loggedIn) await this.issueCode();
    const reply = await this.browser.get(this.authorizePath(overrides), {
      headers: { accept: 'text/html' },
    });
    const callback = this.callbackOf(reply);
    const error = callback?.get('error');
    return {
      expected: `302 to redirect_uri, error=${expectedError}, no code`,
      answered: callback
        ? `302 to redirect_uri, error=${error ?? '(none)'}${callback.has('code') ? ', code' : ''}`
        : `${reply.status} ${reply.location ?? ''}`.trim(),
      passed: error === expectedError && !callback?.has('code'),
    };
  }

  /** RFC 8707 §2: a resource the client is not configured for gets no code at all. */
  async resourceNotAllowed(): Promise<Outcome> {
    return this.refusedAtAuthorize(
      { code_challenge: newPkce().challenge, resource: RESOURCES.foreign },
      'invalid_target',
    );
  }

  /**
   * Audience confusion (RFC 8707 §1, RFC 9068 §4): a token the client legitimately got for
   * another resource, here the MCP server, is no key to the API: its `aud` is that resource.
   */
  async tokenForAnotherResource(): Promise<Outcome> {
    const { code, verifier } = await this.issueCode({ resource: RESOURCES.allowed });
    const tokens = await this.redeem(code, { verifier });
    const accessToken = field(tokens.json, 'access_token');
    if (tokens.status !== 200 || !accessToken) {
      throw new LabStepFailed(`code exchange for ${RESOURCES.allowed}: ${describeReply(tokens)}`);
    }
    const me = errorOutcome(await this.me(accessToken), {
      status: 401,
      error: 'invalid_token',
      description: 'The access token is for another resource',
    });
    const audience = audienceOf(accessToken);
    return allOf(
      {
        expected: `token aud ${RESOURCES.allowed}`,
        answered: `token aud ${audience ?? '(unreadable)'}`,
        passed: audience === RESOURCES.allowed,
      },
      { ...me, expected: `/api/me ${me.expected}`, answered: `/api/me ${me.answered}` },
    );
  }

  async otherClient(): Promise<Outcome> {
    const { code, verifier } = await this.issueCode();
    return errorOutcome(await this.redeem(code, { verifier, asPublicClient: true }), {
      status: 400,
      error: 'invalid_grant',
    });
  }

  async otherRedirectUri(): Promise<Outcome> {
    const { code, verifier } = await this.issueCode();
    return errorOutcome(
      await this.redeem(code, { verifier, redirectUri: 'http://localhost:25001/other' }),
      { status: 400, error: 'invalid_grant' },
    );
  }

  /**
   * RFC 9700 §4.1.3: redirect URIs are compared as exact strings, so spellings that a URL parser
   * would normalise to the registered one must not get a redirect (RFC 6749 §4.1.2.1: an error
   * page instead, since the URI cannot be trusted).
   */
  async redirectUriBypass(): Promise<Outcome> {
    if (!this.loggedIn) await this.issueCode();
    const registered = new URL(CLIENT.redirectUri);
    const spellings: ReadonlyArray<readonly [string, string]> = [
      ['upper-case host', CLIENT.redirectUri.replace(registered.hostname, 'LOCALHOST')],
      [
        'dot segment',
        CLIENT.redirectUri.replace(registered.pathname, `/x/..${registered.pathname}`),
      ],
      ['empty fragment', `${CLIENT.redirectUri}#`],
      ['other port', CLIENT.redirectUri.replace(`:${registered.port}`, ':9999')],
    ];
    const parts: Outcome[] = [];
    for (const [name, redirectUri] of spellings) {
      const reply = await this.browser.get(
        this.authorizePath({ redirect_uri: redirectUri, code_challenge: newPkce().challenge }),
        { headers: { accept: 'text/html' } },
      );
      const refused =
        reply.status === 400 &&
        reply.location === null &&
        reply.text.includes('<dd id="error">invalid_request</dd>');
      parts.push({
        expected: name,
        answered: refused ? name : `${name}: ${describePage(reply)}`,
        passed: refused,
      });
    }
    const failed = parts.filter((part) => !part.passed);
    return {
      expected: `400 page invalid_request, no redirect, for: ${parts.map((p) => p.expected).join(', ')}`,
      answered: failed.length
        ? failed.map((part) => part.answered).join('; ')
        : `400 page invalid_request, no redirect, for all ${parts.length}`,
      passed: failed.length === 0,
    };
  }

  async finishExpiredCode(issued: IssuedCode): Promise<Outcome> {
    const reply = await this.redeem(issued.code, { verifier: issued.verifier });
    const outcome = errorOutcome(reply, EXPIRED_CODE);
    // The TTL monitor (about once a minute) may delete the code between its expiry and its
    // presentation, however short that gap: then it is unknown, and refused all the same.
    if (outcome.passed || !errorOutcome(reply, SWEPT_CODE).passed) return outcome;
    return {
      ...outcome,
      answered: `${outcome.answered} (deleted by the TTL monitor before it was presented)`,
      passed: true,
    };
  }

  async race(concurrency: number): Promise<Outcome> {
    const { code, verifier } = await this.issueCode();
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: concurrency }, () => this.redeem(code, { verifier })),
    );
    // Replay and expiry are both invalid_grant here, so the lifetime needs no allowance.
    const rules = {
      loser: { status: 400, error: 'invalid_grant' },
      expired: [],
      outlastedLifetime: false,
    };
    return raceOutcome(replies, rules, Date.now() - started);
  }
}

/** The `aud` of a JWT access token, read without verifying it (the lab only reports it). */
function audienceOf(accessToken: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    return field(payload, 'aud');
  } catch {
    return undefined;
  }
}

/** Status and, for a redirect, where to (origin and path only: the query may carry a code). */
function describePage(reply: Reply): string {
  if (!reply.location) return String(reply.status);
  try {
    const target = new URL(reply.location);
    return `${reply.status} to ${target.origin}${target.pathname}`;
  } catch {
    return `${reply.status} to an unparsable location`;
  }
}

/** A code's second redemption (RFC 6749 §4.1.2). */
const CODE_ALREADY_USED: ErrorAnswer = {
  status: 400,
  error: 'invalid_grant',
  description: 'Authorization code already used',
};

export const EXPIRED_CODE: ErrorAnswer = {
  status: 400,
  error: 'invalid_grant',
  description: 'Authorization code expired',
};

/** What an expired code answers once the TTL monitor has deleted it: an unknown code. */
const SWEPT_CODE: ErrorAnswer = {
  status: 400,
  error: 'invalid_grant',
  description: 'Invalid authorization code',
};
