import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  statusOutcome,
} from './expectations';
import { HttpClient, Reply, field } from './http';
import { authorizationRequest } from './authorization-request';
import type { PkceLab } from './pkce-scenarios';
import { PUBLIC_CLIENT, codeOf, publicCallbackOf } from './public-client';

/** The demo confidential client: "another client" to the public one that pushed. */
const OTHER_CLIENT_ID = 'demo-client';
const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** A request pushed by the public client (RFC 9126 §2.2), and what it needs later. */
export interface PushedRequest {
  requestUri: string;
  /** `expires_in` of the push: the request_uri's lifetime, as the service states it. */
  expiresIn: number;
  state: string;
  verifier: string;
}

export const EXPIRED_REQUEST_URI: ErrorAnswer = {
  status: 400,
  error: 'invalid_request_uri',
  description: 'request_uri expired',
};

/** What an expired request_uri answers once the TTL monitor has deleted it: an unknown one. */
const SWEPT_REQUEST_URI: ErrorAnswer = {
  status: 400,
  error: 'invalid_request_uri',
  description: 'request_uri is not one this server issued',
};

/**
 * Pushed authorization requests (RFC 9126) by the demo SPA, over HTTP only: the request goes to
 * POST /par, the browser (the PKCE lab's, signed in) carries only `client_id` and `request_uri`.
 * A refused request_uri is an error page, never a redirect: without the pushed request there is
 * no redirect URI to trust (RFC 9101 §6.2, RFC 6749 §4.1.2.1).
 */
export class ParLab {
  private readonly api: HttpClient;

  constructor(
    baseUrl: string,
    private readonly issuer: string,
    private readonly browser: PkceLab,
    signal?: AbortSignal,
  ) {
    this.api = new HttpClient(baseUrl, signal);
  }

  /** POST /par as the public client: a complete authorization request, checked up front. */
  async push(): Promise<PushedRequest> {
    const { parameters, state, verifier } = authorizationRequest(PUBLIC_CLIENT, 'profile');
    const reply = await this.api.post('/par', { form: parameters });
    const requestUri = field(reply.json, 'request_uri');
    const expiresIn = (reply.json as { expires_in?: unknown } | undefined)?.expires_in;
    if (
      reply.status !== 201 ||
      !requestUri?.startsWith(REQUEST_URI_PREFIX) ||
      typeof expiresIn !== 'number'
    ) {
      throw new LabStepFailed(`POST /par: ${describeReply(reply)}, no request_uri and expires_in`);
    }
    return { requestUri, expiresIn, state, verifier };
  }

  /** GET /authorize with the request_uri, in the user's browser; `extra` front-channel parameters. */
  use(pushed: PushedRequest, clientId = PUBLIC_CLIENT.id, extra: Record<string, string> = {}) {
    const query = new URLSearchParams({
      client_id: clientId,
      request_uri: pushed.requestUri,
      ...extra,
    });
    return this.browser.authorize(`/authorize?${query.toString()}`);
  }

  private exchange(code: string, pushed: PushedRequest): Promise<Reply> {
    return this.api.post('/token', {
      form: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PUBLIC_CLIENT.redirectUri,
        code_verifier: pushed.verifier,
        client_id: PUBLIC_CLIENT.id,
      },
    });
  }

  /** The pushed request used once: a code for it, exchanged with its verifier. */
  private async useOnce(pushed: PushedRequest): Promise<Outcome> {
    const reply = await this.use(pushed);
    const code = codeOf(reply, pushed.state, this.issuer);
    const tokens = await this.exchange(code, pushed);
    return statusOutcome('302 with code, state, iss; /token', tokens, 200);
  }

  // --- scenarios -------------------------------------------------------------------------

  async normalLogin(): Promise<Outcome> {
    const pushed = await this.push();
    return allOf(
      {
        expected: '/par 201 request_uri, expires_in',
        answered: '/par 201 request_uri, expires_in',
        passed: true,
      },
      await this.useOnce(pushed),
    );
  }

  /** RFC 9126 §4: a request_uri is used once. */
  async reused(): Promise<Outcome> {
    const pushed = await this.push();
    const first = await this.useOnce(pushed);
    if (!first.passed) throw new LabStepFailed(`first use: ${first.answered}`);
    return refusalPage(await this.use(pushed), {
      status: 400,
      error: 'invalid_request_uri',
      description: 'request_uri was already used',
    });
  }

  /** RFC 9126 §4: only the client that pushed the request may use it; the owner still can. */
  async usedByAnotherClient(): Promise<Outcome> {
    const pushed = await this.push();
    const attack = refusalPage(await this.use(pushed, OTHER_CLIENT_ID), {
      status: 400,
      error: 'invalid_request_uri',
      description: 'request_uri was pushed by another client',
    });
    const owner = await this.useOnce(pushed);
    return allOf(attack, {
      expected: `the owner then ${owner.expected}`,
      answered: `the owner then ${owner.answered}`,
      passed: owner.passed,
    });
  }

  /**
   * RFC 9126 §4: with a request_uri, the pushed request is the request: parameters changed in
   * the front channel (another registered redirect URI, another state, more scope) are ignored.
   */
  async frontChannelTampering(): Promise<Outcome> {
    const pushed = await this.push();
    const reply = await this.use(pushed, PUBLIC_CLIENT.id, {
      redirect_uri: 'http://localhost:25001/callback',
      state: 'tampered',
      scope: 'profile admin',
    });
    const callback = publicCallbackOf(reply);
    const passed = !!callback?.get('code') && callback.get('state') === pushed.state;
    return {
      expected: '302 to the pushed redirect_uri with the pushed state',
      answered: passed
        ? '302 to the pushed redirect_uri with the pushed state'
        : `${describeReply(reply)} ${redirectTarget(reply)}`.trim(),
      passed,
    };
  }

  /** RFC 9126 §2.2: past `expires_in`, the request_uri is refused. */
  async finishExpired(pushed: PushedRequest): Promise<Outcome> {
    const reply = await this.use(pushed);
    const outcome = refusalPage(reply, EXPIRED_REQUEST_URI);
    // The TTL monitor may delete the request between its expiry and its use: then it is unknown.
    if (outcome.passed || !refusalPage(reply, SWEPT_REQUEST_URI).passed) return outcome;
    return {
      ...outcome,
      answered: `${outcome.answered} (deleted by the TTL monitor before it was presented)`,
      passed: true,
    };
  }
}

/** The error page of /authorize: its status, error and description, and no redirect. */
function refusalPage(reply: Reply, expected: ErrorAnswer): Outcome {
  const error = /<dd id="error">([^<]*)<\/dd>/.exec(reply.text)?.[1];
  const description = /<dd id="error_description">([^<]*)<\/dd>/.exec(reply.text)?.[1];
  const text = (status: number, code?: string, about?: string) =>
    `${status} page ${code ?? '(no error)'}${about ? ` "${unescapeHtml(about)}"` : ''}`;
  const redirected = reply.location !== null;
  return {
    expected: `${text(expected.status, expected.error, expected.description)}, no redirect`,
    answered: redirected
      ? `${reply.status} ${redirectTarget(reply)}`
      : `${text(reply.status, error, description)}, no redirect`,
    passed:
      !redirected &&
      reply.status === expected.status &&
      error === expected.error &&
      (expected.description === undefined ||
        unescapeHtml(description ?? '') === expected.description),
  };
}

/** Where a redirect goes (origin and path only: its query may carry a code). */
function redirectTarget(reply: Reply): string {
  if (!reply.location) return '';
  try {
    const target = new URL(reply.location);
    return `to ${target.origin}${target.pathname}`;
  } catch {
    return 'to an unparsable location';
  }
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
