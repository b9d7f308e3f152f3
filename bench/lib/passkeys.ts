/**
 * The passkey sign-in phase: one passkey registered for user0 through the public API (an
 * account-scoped token from a real authorization, the registration ceremony), then, before each
 * phase, one challenge per request from POST /passkeys/authentication/options and an assertion
 * signed over it by the software authenticator of the tests (ES256, node:crypto). The
 * authenticator never counts (counter 0), as synced passkeys (iCloud Keychain, Google Password
 * Manager) do: the requests of a phase run concurrently, and a counting authenticator's
 * assertions would arrive out of order and be refused as counter regressions.
 */
import { request } from 'undici';
import type { RequestSpec } from '../loadgen/protocol';
import { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import { Browser, inBatches } from './browser';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import { DEMO_CLIENT, codeExchangeRequest, codeFromRedirect } from './pkce';

/** The RP ID and origin the bench's Proofgate accepts (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS). */
export const PASSKEY_RP_ID = 'localhost';
export const PASSKEY_ORIGIN = 'http://localhost';

async function postJson(
  origin: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: unknown }> {
  const res = await request(`${origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

/** An access token with the `account` scope for the browser's (fresh) login of user0. */
async function accountToken(browser: Browser): Promise<string> {
  const { query, state, verifier } = authorizationRequest(DEMO_CLIENT, 'account');
  const authorized = await browser.get(`/authorize?${query}`);
  const code = codeFromRedirect(authorized.location, state);
  const { path, ...exchange } = codeExchangeRequest(DEMO_CLIENT, { code, verifier });
  const res = await request(`${browser.origin}${path}`, exchange);
  const body = (await res.body.json()) as { access_token?: string };
  if (res.statusCode !== 200 || !body.access_token) throw new Error(`token: ${res.statusCode}`);
  return body.access_token;
}

/** Registers a passkey for the browser's user (logged in moments ago). */
export async function registerPasskey(browser: Browser): Promise<SoftwareAuthenticator> {
  const token = await accountToken(browser);
  const authenticator = new SoftwareAuthenticator({
    rpId: PASSKEY_RP_ID,
    origin: PASSKEY_ORIGIN,
    counts: false,
    synced: true,
  });
  const options = await postJson(browser.origin, '/passkeys/registration/options', {}, token);
  if (options.status !== 200) throw new Error(`registration options: ${options.status}`);
  const created = authenticator.register(
    options.json as { challenge: string; user: { id: string } },
  );
  const verified = await postJson(browser.origin, '/passkeys/registration/verify', created, token);
  if (verified.status !== 201) throw new Error(`registration: ${verified.status}`);
  return authenticator;
}

/** n sign-ins: a challenge each from the server, and the assertion over it. */
export async function passkeyRequests(
  origin: string,
  authenticator: SoftwareAuthenticator,
  n: number,
): Promise<RequestSpec[]> {
  return inBatches(n, 16, async () => {
    const options = await postJson(origin, '/passkeys/authentication/options', {});
    if (options.status !== 200) throw new Error(`authentication options: ${options.status}`);
    return {
      method: 'POST' as const,
      path: '/passkeys/authentication/verify',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response: authenticator.assert(options.json as { challenge: string }),
      }),
    };
  });
}
