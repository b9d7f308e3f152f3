/**
 * The CIBA phases (issue #51, OpenID CIBA Core 1.0, poll mode): an agent asks for a person at
 * POST /backchannel, polls /token while the request is pending, the signed-in person approves it
 * through the approvals API (`POST /account/approvals/{id}/approve`, as the e2e tests and the page
 * do), and the agent's next poll redeems it for tokens. The agent is a confidential client
 * registered through OAUTH_CLIENTS (client_secret_basic); the person is the bench's signed-in
 * user0, approving with its password session (requests without authorization_details, which a
 * session may approve). Nothing here imports the service's code.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mongo } from 'mongoose';
import type { RequestSpec } from '../loadgen/protocol';
import { type Browser, basicAuth } from './browser';

export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

/** The agent: confidential, registered for the CIBA grant only, poll mode. */
export interface CibaAgent {
  readonly id: string;
  readonly secret: string;
}

export function cibaAgent(): CibaAgent {
  return { id: 'bench-agent', secret: randomBytes(32).toString('base64url') };
}

/** The agent as OAUTH_CLIENTS registers it. */
export function cibaAgentMetadata(agent: CibaAgent): Record<string, unknown> {
  return {
    client_id: agent.id,
    client_secret: agent.secret,
    name: 'Bench agent',
    grant_types: [CIBA_GRANT_TYPE],
    redirect_uris: [],
    response_types: [],
    backchannel_token_delivery_mode: 'poll',
  };
}

/** Whom every request asks: the bench's signed-in user (bench/lib/proofgate.ts `login`). */
export const CIBA_LOGIN_HINT = 'user0';

/**
 * Pending polls sent one at a time on one connection after the loaded ones, so that no two share a
 * turn of the event loop: the limiter's writes are then the polls' own, one per lease of counts
 * (RATE_LIMIT_LEASE) rather than per poll.
 */
export const CIBA_LONE_POLLS = 200;

const FORM = 'application/x-www-form-urlencoded';

function agentPost(agent: CibaAgent, path: string, form: Record<string, string>): RequestSpec {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': FORM, authorization: basicAuth(agent.id, agent.secret) },
    body: new URLSearchParams(form).toString(),
  };
}

/**
 * `n` backchannel requests (CIBA Core 1.0 §7.1) for user0, each with a binding message of its own
 * (what the person's phone would show), scope `openid`, no authorization details.
 */
export function backchannelRequests(agent: CibaAgent, n: number, round: number): RequestSpec[] {
  return Array.from({ length: n }, (_, i) =>
    agentPost(agent, '/backchannel', {
      scope: 'openid',
      login_hint: CIBA_LOGIN_HINT,
      binding_message: `bench ${round}-${i}`,
    }),
  );
}

/** One poll of /token (CIBA Core 1.0 §10.1) per auth_req_id. */
export function pollRequests(agent: CibaAgent, authReqIds: readonly string[]): RequestSpec[] {
  return authReqIds.map((id) =>
    agentPost(agent, '/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: id }),
  );
}

/**
 * The id /account/approvals names a request by: the SHA-256 of its auth_req_id, base64url (the
 * challenge store's key hash; the page never sees the auth_req_id itself).
 */
export function approvalId(authReqId: string): string {
  return createHash('sha256').update(authReqId).digest('base64url');
}

/**
 * The person's approval of each request, as the page's script sends it: a JSON POST with the
 * page's CSRF token, the browser's session and CSRF cookies (read once, before the phase, from
 * `GET /account/approvals` with `Accept: application/json`).
 */
export async function approvalRequests(
  browser: Browser,
  authReqIds: readonly string[],
): Promise<RequestSpec[]> {
  const page = await browser.getJson('/account/approvals');
  const csrf = (JSON.parse(page.text) as { csrf_token?: unknown }).csrf_token;
  if (page.status !== 200 || typeof csrf !== 'string') {
    throw new Error(`GET /account/approvals: ${page.status}, no CSRF token`);
  }
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    cookie: browser.cookieHeader(),
  };
  const body = JSON.stringify({ csrf_token: csrf });
  return authReqIds.map((id) => ({
    method: 'POST',
    path: `/account/approvals/${approvalId(id)}/approve`,
    headers,
    body,
  }));
}

/** Every poll of a pending request must have been told `authorization_pending`, nothing else. */
export function checkPending(errors: readonly string[]): void {
  const other = errors.filter((error) => error !== 'authorization_pending');
  if (errors.length === 0 || other.length > 0) {
    throw new Error(
      `${other.length} of ${errors.length} polls of pending requests answered ${[...new Set(other)].join(', ')}`,
    );
  }
}

/**
 * The redeemed tokens are the person's, for the agent: each access token (a JWT) names
 * `client_id` the agent and a `sub`, and carries the `acr` of the approving sign-in.
 */
export function checkCibaAccessTokens(tokens: readonly string[], agent: CibaAgent): void {
  if (tokens.length === 0) throw new Error('no CIBA access tokens');
  for (const token of tokens) {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      client_id?: string;
      sub?: string;
    };
    if (claims.client_id !== agent.id || typeof claims.sub !== 'string') {
      throw new Error(
        `a CIBA access token is not the agent's for a person: ${JSON.stringify(claims)}`,
      );
    }
  }
}

/** How long the outbox may take to work the request phase's announcements before the run fails. */
const OUTBOX_DRAIN_MAX_MS = 120_000;

/**
 * Resolves once the service's CIBA outbox (`ciba_notifications` in `databaseUri`, read directly,
 * not through the counting proxy) has no pending row: every request's announcement worked, so
 * none of that work is counted to the polls measured next. The outbox works its rows in the
 * background with a few workers, retrying on a timer; a pause of the database traffic between its
 * rounds is no sign that it is done.
 */
export async function outboxDrained(databaseUri: string): Promise<void> {
  const client = new mongo.MongoClient(databaseUri);
  try {
    const rows = client.db().collection('ciba_notifications');
    const deadline = performance.now() + OUTBOX_DRAIN_MAX_MS;
    while ((await rows.countDocuments({ status: 'pending' })) > 0) {
      if (performance.now() > deadline) {
        throw new Error(`the CIBA outbox still had pending rows after ${OUTBOX_DRAIN_MAX_MS} ms`);
      }
      await sleep(200);
    }
  } finally {
    await client.close();
  }
}
