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
 * A client that is not first-party, registered alike on both servers: each browser allows it once
 * (Proofgate's consent screen, oidc-provider's consent prompt), and every authorization request
 * afterwards reads what was allowed (Proofgate's remembered consent, oidc-provider's stored
 * grant), as a third party's requests do.
 */
export const PARTNER_CLIENT: CodeClient = {
  id: 'bench-partner',
  secret: 'bench-partner-secret-0123456789abcdefghij',
  redirectUri: 'http://localhost:25001/callback',
};

/** The browsers' requests: an OpenID Connect sign-in (an ID token to come, so a `nonce` each). */
export const SIGN_IN_SCOPE = 'openid';

/**
 * `n` authorization requests of `client` (each with its own state and S256 challenge, and a nonce
 * when `withNonce`) to the authorization endpoint at `path`, sent round robin with `browsers`'
 * cookies: signed-in browsers', which the server answers with a redirect to the client and a
 * code, no page in between.
 */
export function signedInAuthorizations(
  browsers: readonly Browser[],
  path: string,
  request: { readonly client: CodeClient; readonly scope: string; readonly withNonce?: boolean },
  n: number,
): PreparedAuthorizations {
  const cookies = browsers.map((browser) => browser.cookieHeader());
  const pending = Array.from({ length: n }, () =>
    authorizationRequest(
      request.client,
      request.scope,
      request.withNonce ? { nonce: randomBytes(16).toString('base64url') } : {},
    ),
  );
  return {
    requests: pending.map(({ query }, i) => ({
      method: 'GET',
      path: `${path}?${query}`,
      headers: { accept: 'text/html', cookie: cookies[i % cookies.length] },
    })),
    codes: (captured) =>
      capturedField(captured, 'location').map((location, i) => ({
        code: codeFromRedirect(location, pending[i].state),
        verifier: pending[i].verifier,
      })),
  };
}
