/**
 * A passkey against Proofgate without a browser: the software authenticator of the attack lab
 * (src/lab-client/software-authenticator.ts: a P-256 key from node:crypto, `none` attestation,
 * the WebAuthn byte layouts written out) plays the part of the phone or security key.
 *
 *   npm run example:passkey                                  # against http://localhost:25000
 *   PROOFGATE_URL=http://localhost:25000 npm run example:passkey
 *
 * 1. A fresh password login of the demo user (user0 / password0, seeded by `npm start`) through
 *    /authorize and the login form, as the first-party demo-client: a token of scope `account`.
 * 2. With it, a passkey added to the account (/passkeys/registration/*).
 * 3. A sign-in with that passkey alone (/passkeys/authentication/*), and /api/me with its token.
 * 4. The passkey removed again (DELETE /account/methods/...), so each run leaves the account as it
 *    found it (an account holds at most 20 sign-in methods).
 */
import { createHash, randomBytes } from 'node:crypto';
import { SoftwareAuthenticator } from '../src/lab-client/software-authenticator';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
/** The demo data of a development database (README, Quick start). */
const USER = { username: 'user0', password: 'password0' };
const CLIENT = {
  id: 'demo-client',
  secret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
};

type Json = Record<string, unknown>;

/** The browser's cookies, for the login form's session and CSRF cookies. */
const cookies = new Map<string, string>();

/** fetch without following redirects, with the cookie jar; one line and exit when no server answers. */
async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookies.size > 0) {
    headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { ...init, headers, redirect: 'manual' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    console.error(
      `No Proofgate answers at ${base} (${cause?.code ?? cause?.message ?? String(error)}): start one with \`npm start\`, or set PROOFGATE_URL.`,
    );
    process.exit(1);
  }
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0];
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return response;
}

/** The answer's JSON when its status is `expected`; otherwise the error envelope, and exit. */
async function expectJson(step: string, response: Response, expected: number): Promise<Json> {
  const json = (await response.json()) as Json;
  if (response.status !== expected) {
    console.error(
      `${step}: ${response.status} ${String(json.error)}: ${String(json.error_description)}`,
    );
    process.exit(1);
  }
  return json;
}

function fail(step: string, response: Response): never {
  console.error(`${step}: ${response.status} ${response.headers.get('location') ?? ''}`.trim());
  process.exit(1);
}

const postJson = (path: string, body: unknown, token?: string) =>
  call(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

/** Step 1: authorization code + PKCE through the login form, redeemed for an `account` token. */
async function accountToken(): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = `/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT.id,
    redirect_uri: CLIENT.redirectUri,
    scope: 'account',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString()}`;
  const html = { accept: 'text/html' };

  // No session yet: /authorize sends the browser to the login form, which carries a CSRF token.
  const toLogin = await call(authorize, { headers: html });
  const loginUrl = new URL(toLogin.headers.get('location') ?? '', base);
  if (toLogin.status !== 302 || loginUrl.pathname !== '/login') fail('GET /authorize', toLogin);
  const form = await call(loginUrl.pathname + loginUrl.search, { headers: html });
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await form.text())?.[1];
  if (form.status !== 200 || !csrf) fail('GET /login (no csrf_token)', form);

  const submitted = await call('/login', {
    method: 'POST',
    headers: html,
    body: new URLSearchParams({
      ...USER,
      csrf_token: csrf,
      return_to: loginUrl.searchParams.get('return_to') ?? '',
    }),
  });
  if (submitted.status !== 303) fail('POST /login', submitted);

  // Signed in: /authorize answers the client's redirect URI with the code.
  const back = await call(submitted.headers.get('location') ?? '', { headers: html });
  const callback = new URL(back.headers.get('location') ?? '', base).searchParams;
  const code = callback.get('code');
  if (back.status !== 302 || !code || callback.get('state') !== state) fail('GET /authorize', back);

  const tokens = await expectJson(
    'POST /token',
    await call('/token', {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CLIENT.redirectUri,
        code_verifier: verifier,
      }),
    }),
    200,
  );
  return String(tokens.access_token);
}

/**
 * The origin the service expects ceremonies from: the issuer's when its host lies under the RP
 * ID, else the RP ID's host on the issuer's scheme and port (docs/PASSKEYS-AND-ACCOUNTS.md).
 */
function ceremonyOrigin(issuer: string, rpId: string): string {
  const url = new URL(issuer);
  if (url.hostname === rpId || url.hostname.endsWith(`.${rpId}`)) return url.origin;
  return `${url.protocol}//${rpId}${url.port ? `:${url.port}` : ''}`;
}

async function main(): Promise<void> {
  const metadata = await expectJson(
    'GET /.well-known/oauth-authorization-server',
    await call('/.well-known/oauth-authorization-server'),
    200,
  );
  const accessToken = await accountToken();

  // 2. A passkey added to the account.
  const creation = (await expectJson(
    'POST /passkeys/registration/options',
    await postJson('/passkeys/registration/options', {}, accessToken),
    200,
  )) as { challenge: string; rp: { id: string }; user: { id: string } };
  const authenticator = new SoftwareAuthenticator({
    rpId: creation.rp.id,
    origin: ceremonyOrigin(String(metadata.issuer), creation.rp.id),
  });
  const added = await expectJson(
    'POST /passkeys/registration/verify',
    await postJson('/passkeys/registration/verify', authenticator.register(creation), accessToken),
    201,
  );

  // 3. Signed in with the passkey alone: the challenge names nobody, the credential finds the account.
  const request = (await expectJson(
    'POST /passkeys/authentication/options',
    await postJson('/passkeys/authentication/options', {}),
    200,
  )) as { challenge: string };
  const tokens = await expectJson(
    'POST /passkeys/authentication/verify',
    await postJson('/passkeys/authentication/verify', { response: authenticator.assert(request) }),
    200,
  );
  console.log(JSON.stringify({ credential_id: added.credential_id, tokens }, null, 2));
  const me = await call('/api/me', {
    headers: { authorization: `Bearer ${String(tokens.access_token)}` },
  });
  console.log(JSON.stringify(await expectJson('GET /api/me', me, 200), null, 2));

  // 4. The passkey removed again, with the account token of step 1 (still a recent login).
  await expectJson(
    'DELETE /account/methods/passkey:...',
    await call(`/account/methods/${encodeURIComponent(`passkey:${authenticator.id}`)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${accessToken}` },
    }),
    200,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
