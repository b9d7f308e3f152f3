/**
 * node-oidc-provider as the bench sees it (bench/oidc-provider/server.mjs): codes minted through
 * its own authorization endpoint and interactions (login, then consent, once; afterwards the
 * session and the stored grant answer /auth straight away, the authorization request phase),
 * redeemed at its token endpoint.
 */
import type { RequestSpec } from '../loadgen/protocol';
import type { Browser } from './browser';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import {
  type CodeClient,
  DEMO_CLIENT,
  PARTNER_CLIENT,
  SIGN_IN_SCOPE,
  codeExchangeRequest,
  codeFromRedirect,
  signedInAuthorizations,
  type MintedCode,
  type PreparedAuthorizations,
} from './pkce';

const MAX_STEPS = 12;
/** The scope of every code minted here, the one consented to at the first `authorize`. */
const CODE_SCOPE = 'openid';

function unescapeHtml(text: string): string {
  return text
    .replace(/&#x2F;/gi, '/')
    .replace(/&#x3D;/gi, '=')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * One authorization request, answering the interaction pages like a user would (any login is
 * accepted by the provider's development interactions); resolves to the code.
 */
export async function authorize(
  browser: Browser,
  { client = DEMO_CLIENT, login = 'user0' }: { client?: CodeClient; login?: string } = {},
): Promise<MintedCode> {
  const { query, state, verifier } = authorizationRequest(client, CODE_SCOPE, { nonce: 'login' });
  let res = await browser.get(`/auth?${query}`);
  for (let step = 0; step < MAX_STEPS; step++) {
    if (res.status >= 300 && res.status < 400 && res.location) {
      if (res.location.startsWith(client.redirectUri)) {
        return { code: codeFromRedirect(res.location, state), verifier };
      }
      res = await browser.get(res.location);
      continue;
    }
    const prompt = /name="prompt" value="(\w+)"/.exec(res.text)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(res.text)?.[1];
    if (res.status !== 200 || !prompt || !action) {
      throw new Error(`oidc-provider authorization: ${res.status} ${res.text.slice(0, 300)}`);
    }
    const form: Record<string, string> =
      prompt === 'login' ? { prompt, login, password: 'password0' } : { prompt };
    res = await browser.postForm(unescapeHtml(action), form);
  }
  throw new Error(`oidc-provider authorization took more than ${MAX_STEPS} steps`);
}

/**
 * Authorization requests for the load generator: GET /auth with the browser's session cookies,
 * after `authorize` logged in and consented, each answered 303 with a code.
 */
export function authorizeRequests(browser: Browser, n: number): PreparedAuthorizations {
  return signedInAuthorizations([browser], '/auth', { client: DEMO_CLIENT, scope: CODE_SCOPE }, n);
}

/**
 * The browsers' requests, as Proofgate's (partnerSignInRequests): an OpenID Connect sign-in of
 * PARTNER_CLIENT with a nonce, round robin over `browsers`, each signed in as a person of its own
 * who allowed the client (`authorize` with PARTNER_CLIENT), each answered 303 with a code.
 */
export function partnerSignInRequests(
  browsers: readonly Browser[],
  n: number,
): PreparedAuthorizations {
  return signedInAuthorizations(
    browsers,
    '/auth',
    { client: PARTNER_CLIENT, scope: SIGN_IN_SCOPE, withNonce: true },
    n,
  );
}

/** The same requests as Proofgate's exchange phase: one client, registered alike on both. */
export function exchangeRequests(codes: readonly MintedCode[]): RequestSpec[] {
  return codes.map((minted) => codeExchangeRequest(DEMO_CLIENT, minted));
}
