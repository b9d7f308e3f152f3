/**
 * An agent of issue #51 as independent libraries drive it: it registers itself (RFC 7591, with the
 * initial access token), asks at /backchannel with openid-client and polls /token with
 * openid-client or oauth4webapi; and the person's side of it: /account/approvals as JSON.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import type { CookieBrowser } from '../support/cookie-browser';
import type { AcceptanceService } from './service';
import type { Json } from './people';

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

export interface Agent {
  readonly clientId: string;
  readonly secret: string;
  readonly registered: Json;
  readonly config: client.Configuration;
  readonly as: oauth.AuthorizationServer;
}

/** POST /register with the initial access token (or `bearer`) and `metadata` as JSON. */
export function register(service: AcceptanceService, metadata: Json, bearer?: string) {
  return fetch(`${service.issuer}/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${bearer ?? service.initialAccessToken}`,
    },
    body: JSON.stringify(metadata),
  });
}

/** A CIBA client as the issue has it self-register: no redirect URIs, no response types. */
export function cibaMetadata(extra: Json = {}): Json {
  return {
    client_name: 'Payment agent',
    grant_types: [CIBA_GRANT, 'refresh_token', TOKEN_EXCHANGE_GRANT],
    redirect_uris: [],
    response_types: [],
    backchannel_token_delivery_mode: 'poll',
    authorization_details_types: ['payment_initiation'],
    ...extra,
  };
}

/** A self-registered agent, with an openid-client configuration and oauth4webapi's metadata. */
export async function registerAgent(service: AcceptanceService, extra: Json = {}): Promise<Agent> {
  const answer = await register(service, cibaMetadata(extra));
  expect(answer.status).toBe(201);
  const registered = (await answer.json()) as Json;
  const clientId = registered.client_id as string;
  const secret = registered.client_secret as string;
  const config = await client.discovery(
    new URL(service.issuer),
    clientId,
    undefined,
    client.ClientSecretBasic(secret),
    { execute: [client.allowInsecureRequests] },
  );
  const issuer = new URL(service.issuer);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, {
      algorithm: 'oidc',
      [oauth.allowInsecureRequests]: true,
    }),
  );
  return { clientId, secret, registered, config, as };
}

/** What /backchannel answered, with what was asked (for the request's hash). */
export interface Asked {
  readonly response: client.BackchannelAuthenticationResponse;
  readonly parameters: Record<string, string>;
}

/** openid-client's initiateBackchannelAuthentication (details as a JSON array when given). */
export async function ask(
  agent: Agent,
  parameters: Record<string, string> & { login_hint?: string },
  details?: Json[],
): Promise<Asked> {
  const all = {
    scope: 'openid',
    ...parameters,
    ...(details ? { authorization_details: JSON.stringify(details) } : {}),
  };
  return {
    response: await client.initiateBackchannelAuthentication(agent.config, all),
    parameters: all,
  };
}

/** /backchannel's refusal of `parameters`: the error code openid-client read from the answer. */
export async function refusalOf(
  agent: Agent,
  parameters: Record<string, string>,
): Promise<{ error: string; status: number }> {
  try {
    await client.initiateBackchannelAuthentication(agent.config, parameters);
  } catch (error) {
    if (error instanceof client.ResponseBodyError) {
      return { error: error.error, status: error.status };
    }
    throw error;
  }
  throw new Error('/backchannel accepted the request');
}

/** One poll of /token with oauth4webapi: the tokens, or the CIBA §11 error code. */
export async function pollOnce(
  agent: Agent,
  authReqId: string,
): Promise<{ error: string } | { tokens: oauth.TokenEndpointResponse }> {
  const c = { client_id: agent.clientId };
  const response = await oauth.backchannelAuthenticationGrantRequest(
    agent.as,
    c,
    oauth.ClientSecretBasic(agent.secret),
    authReqId,
    { [oauth.allowInsecureRequests]: true },
  );
  try {
    return {
      tokens: await oauth.processBackchannelAuthenticationGrantResponse(agent.as, c, response),
    };
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return { error: error.error };
    throw error;
  }
}

/** Waits out the request's `interval`, as CIBA §11 asks of a poller. */
export function waitInterval(asked: Asked): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, asked.response.interval! * 1000 + 100));
}

/** The request's hash as the issue defines it: SHA-256 of the RFC 8785 JSON, base64url. */
export function requestHash(agent: Agent, asked: Asked, details?: Json[]): string {
  const { scope, binding_message } = asked.parameters;
  const request: Json = {
    client_id: agent.clientId,
    scope,
    ...(details ? { authorization_details: details } : {}),
    ...(binding_message === undefined ? {} : { binding_message }),
  };
  return createHash('sha256').update(canonicalize(request)!).digest('base64url');
}

export interface Approval {
  id: string;
  client_id: string;
  binding_message?: string;
  authorization_details?: Json[];
  rendered?: unknown;
  [field: string]: unknown;
}

/** GET /account/approvals as a script reads it (Accept: application/json). */
export async function approvalsOf(
  service: AcceptanceService,
  browser: CookieBrowser,
): Promise<{ approvals: Approval[]; csrf_token: string; text: string }> {
  const answer = await browser.getJson(`${service.issuer}/account/approvals`);
  expect(answer.status).toBe(200);
  const text = await answer.text();
  return { ...(JSON.parse(text) as { approvals: Approval[]; csrf_token: string }), text };
}

/** The pending request with `bindingMessage` on the person's page, with the page's CSRF token. */
export async function pendingFor(
  service: AcceptanceService,
  browser: CookieBrowser,
  bindingMessage: string,
): Promise<{ approval: Approval | undefined; csrf: string }> {
  const { approvals, csrf_token } = await approvalsOf(service, browser);
  return {
    approval: approvals.find((approval) => approval.binding_message === bindingMessage),
    csrf: csrf_token,
  };
}

/** POST /account/approvals/{id}/<action> as the page's script does (JSON). */
export async function answerApproval(
  service: AcceptanceService,
  browser: CookieBrowser,
  id: string,
  action: 'approve' | 'deny' | 'challenge',
  body: Json,
): Promise<{ status: number; body: Json }> {
  const answer = await browser.postJson(
    `${service.issuer}/account/approvals/${encodeURIComponent(id)}/${action}`,
    body,
  );
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

/** A binding message no other test uses (one line, at most 64 characters). */
export function bindingMessage(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`.slice(0, 64);
}
