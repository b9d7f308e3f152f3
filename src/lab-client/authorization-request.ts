import { randomBytes } from 'node:crypto';
import { newPkce } from './pkce-scenarios';

/** A client as an authorization request names it. */
export interface AuthorizationClient {
  readonly id: string;
  readonly redirectUri: string;
}

export interface AuthorizationRequest {
  /** The request's parameters (the form of POST /par). */
  readonly parameters: Readonly<Record<string, string>>;
  /** The same as the query of GET /authorize. */
  readonly query: string;
  readonly state: string;
  /** The PKCE verifier the code will be redeemed with. */
  readonly verifier: string;
}

/**
 * A fresh authorization code request (RFC 6749 §4.1.1) with its S256 challenge (RFC 7636 §4.3)
 * and a random state, plus any `extra` parameters (RFC 8707 `resource`, RFC 9449 `dpop_jkt`).
 * The lab, the bench, the fleet and the probe all log in through it.
 */
export function authorizationRequest(
  client: AuthorizationClient,
  scope: string,
  extra: Readonly<Record<string, string>> = {},
): AuthorizationRequest {
  const { verifier, challenge } = newPkce();
  const state = randomBytes(8).toString('hex');
  const parameters = {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    state,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  return { parameters, query: new URLSearchParams(parameters).toString(), state, verifier };
}
