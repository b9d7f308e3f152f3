import { createHash, randomBytes } from 'node:crypto';
import type { RequestSpec } from '../loadgen/protocol';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import { type Browser, basicAuth } from './browser';
import { capturedField } from './load-generator';

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

/** A fresh RFC 7636 verifier (43 characters) and its S256 challenge. */
export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface MintedCode {
  readonly code: string;
  readonly verifier: string;
}

/** The `code` of a redirect to the client, checking the `state` that went out with it. */
export function codeFromRedirect(location: string | undefined, state: string): string {
  if (!location) throw new Error('no redirect to the client');
  const url = new URL(location);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect: ${location}`);
  if (url.searchParams.get('state') !== state) throw new Error(`state mismatch in ${location}`);
  return code;
}

/** A confidential client (client_secret_basic) with its one registered redirect URI. */
export interface CodeClient {
  readonly id: string;
  readonly secret: string;
  readonly redirectUri: string;
}

/**
 * The client the harness logs in through: seeded by Proofgate's development data, and registered
 * alike on node-oidc-provider (bench/oidc-provider/server.mjs), so both get the same requests.
 */
export const DEMO_CLIENT: CodeClient = {
  id: 'demo-client',
  secret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
};

/** POST /token redeeming a code with its verifier (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export function codeExchangeRequest(
  client: CodeClient,
  { code, verifier }: MintedCode,
): { method: 'POST'; path: string; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    path: '/token',
    headers: {
      authorization: basicAuth(client.id, client.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    }).toString(),
  };
}

/** Authorization requests prepared for the load generator, and how to read their answers. */
export interface PreparedAuthorizations {
  readonly requests: RequestSpec[];
  /**
   * The codes of the answers (their Locations, captured in request order), each checked against
   * its own request's `state`, with the verifier to redeem it.
   */
  codes(captured: readonly (Readonly<Record<string, unknown>> | null)[] | undefined): MintedCode[];
}

/**
 * `n` authorization requests of DEMO_CLIENT (each with its own state and S256 challenge) to the
 * authorization endpoint at `path`, sent with `browser`'s cookies: a signed-in browser's, which
 * the server answers with a redirect to the client and a code, no page in between.
 */
export function signedInAuthorizations(
  browser: Browser,
  path: string,
  scope: string,
  n: number,
): PreparedAuthorizations {
  const cookie = browser.cookieHeader();
  const pending = Array.from({ length: n }, () => authorizationRequest(DEMO_CLIENT, scope));
  return {
    requests: pending.map(({ query }) => ({
      method: 'GET',
      path: `${path}?${query}`,
      headers: { accept: 'text/html', cookie },
    })),
    codes: (captured) =>
      capturedField(captured, 'location').map((location, i) => ({
        code: codeFromRedirect(location, pending[i].state),
        verifier: pending[i].verifier,
      })),
  };
}
