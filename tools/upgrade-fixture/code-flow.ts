import { createHash, randomBytes } from 'node:crypto';
import { CookieBrowser } from '../../test/support/cookie-browser';

/** A confidential client, and the person who signs in at its request on the login form. */
export interface CodeFlowParties {
  readonly client: { readonly id: string; readonly secret: string; readonly redirectUri: string };
  readonly user: { readonly username: string; readonly password: string };
  readonly scope: string;
}

/** The client's `client_secret_basic` header. */
export function basicAuthorization(client: CodeFlowParties['client']): string {
  return `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
}

/**
 * The authorization code flow with PKCE of a first-party client at `issuer`, its user signing in
 * on the login form, as a browser does it (the upgrade fixture's, on the earlier release and on
 * the current build alike): the token response. Throws where a step answers otherwise.
 */
export async function codeFlow(
  issuer: string,
  { client, user, scope }: CodeFlowParties,
): Promise<Record<string, unknown>> {
  const browser = new CookieBrowser();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = `${issuer}/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    scope,
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString()}`;
  const toLogin = await browser.navigate(authorize);
  if (toLogin.status !== 302) throw new Error(`GET /authorize: ${toLogin.status}`);
  const login = new URL(toLogin.headers.get('location') ?? '', issuer);
  const page = await (await browser.navigate(login.href)).text();
  const signedIn = await browser.postForm(`${issuer}/login`, {
    ...user,
    csrf_token: /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? '',
    return_to: login.searchParams.get('return_to') ?? '',
  });
  if (signedIn.status !== 303) throw new Error(`POST /login: ${signedIn.status}`);
  const back = await browser.navigate(new URL(signedIn.headers.get('location')!, issuer).href);
  const code = new URL(back.headers.get('location') ?? '', issuer).searchParams.get('code');
  if (!code) throw new Error(`no code: ${back.status} ${back.headers.get('location')}`);
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: basicAuthorization(client) },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`POST /token: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
