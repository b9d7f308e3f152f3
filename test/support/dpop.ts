import * as oauth from 'oauth4webapi';
import { dpopKey, type DpopKey } from './dpop-proof';
import { CookieBrowser, passwordSignIn } from './cookie-browser';
import { DEMO_SPA, basic, login, obtainCode, type Agent } from './oauth';
import { ipIssuer } from './ip-issuer';
import { type TestApp, createTestApp } from './test-app';
import request from 'supertest';
import { expectRefusal } from './refusal';

export { dpopKey, signProof, type DpopKey, type ProofClaims } from './dpop-proof';

export interface DpopSetting {
  t: TestApp;
  agent: Agent;
  key: DpopKey;
}

/**
 * What each DPoP spec's block starts from: the app at `issuer` (with `env`), the demo user signed
 * in on a supertest agent (the demo SPA's code flow needs the session), and a fresh ES256 key.
 */
export async function signedInWithDpopKey(
  issuer: string,
  env: Record<string, string> = {},
): Promise<DpopSetting> {
  const t = await createTestApp({ ...ipIssuer(issuer), ...env });
  const agent = request.agent(t.app.getHttpServer());
  await login(agent);
  return { t, agent, key: await dpopKey() };
}

/**
 * Follows an authorization request through the /login form (user1) to the redirect back to the
 * client, as a browser would: the URL the client receives. `mustLogIn`: a request that does not
 * go through the login page is an error (otherwise its redirect is the answer).
 */
export async function authorizeInBrowser(
  authorizationUrl: URL,
  issuer: string,
  browser = new CookieBrowser(),
  { mustLogIn = false }: { mustLogIn?: boolean } = {},
): Promise<URL> {
  const first = await browser.get(authorizationUrl.href);
  if (first.status !== 302) throw new Error(`/authorize answered ${first.status}`);
  const next = new URL(first.headers.get('location')!, issuer);
  if (next.pathname !== '/login') {
    if (mustLogIn) throw new Error(`/authorize redirected to ${next.href}, not to /login`);
    return next;
  }
  const signedIn = await passwordSignIn(browser, issuer, {
    returnTo: next.searchParams.get('return_to')!,
  });
  const back = await browser.get(new URL(signedIn, issuer).href);
  if (back.status !== 302) throw new Error(`/authorize after login answered ${back.status}`);
  return new URL(back.headers.get('location')!);
}

/** oauth4webapi's own advice: a request refused for its DPoP nonce is sent again, once. */
export async function withNonceRetry<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return send();
  }
}

/**
 * A code of `client` (the demo SPA unless said; a confidential client authenticates with its
 * secret, HTTP Basic), obtained by the logged-in `agent`,
 * exchanged at /token of `t` with `dpop` as its DPoP header (none when undefined; an array sends
 * the header once per value, as two DPoP headers would arrive). `scope`: the request's scope.
 */
export async function exchangeWithProof(
  t: TestApp,
  agent: Agent,
  dpop: string | string[] | undefined,
  {
    client = DEMO_SPA,
    scope,
  }: { client?: { id: string; secret?: string; redirectUri: string }; scope?: string } = {},
): Promise<request.Response> {
  const { code, verifier } = await obtainCode(agent, {
    client_id: client.id,
    redirect_uri: client.redirectUri,
    ...(scope === undefined ? {} : { scope }),
  });
  const req = t.http().post('/token').type('form');
  // superagent's types allow arrays for Cookie only; Node sends any array as repeated headers.
  if (dpop !== undefined) req.set('DPoP', dpop as string);
  if (client.secret !== undefined) req.set('Authorization', basic(client.id, client.secret));
  return req.send({
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    ...(client.secret === undefined ? { client_id: client.id } : {}),
  });
}

/** The algorithms a DPoP challenge names (RFC 9449 §7.1 `algs`): every one Proofgate verifies. */
export const DPOP_CHALLENGE_ALGS = 'algs="ES256 EdDSA Ed25519 RS256 PS256"';

/**
 * A refusal of a DPoP-bound token or proof (RFC 9449 §7.1): the envelope, and a DPoP challenge
 * that names the error and the algorithms.
 */
export function expectDpopChallenge(
  res: request.Response,
  status: number,
  error: string,
  description: string,
): void {
  expectRefusal(res, status, error, description);
  const challenge = String(res.headers['www-authenticate']);
  expect(challenge.startsWith('DPoP realm="proofgate"')).toBe(true);
  expect(challenge).toContain(`error="${error}"`);
  expect(challenge).toContain(DPOP_CHALLENGE_ALGS);
}
