/**
 * Passkeys for step-up specs, driven as the pages' scripts do (no browser): the account page adds
 * a passkey to a password-signed-in browser's account, the login page signs a browser in with
 * it. The software authenticator is the lab's (src/lab-client/software-authenticator.ts).
 */
import { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import type { Agent } from './oauth';

/** A new passkey of the account `browser` is signed in to (by password), added on /account. */
export async function addPasskeyOnAccountPage(
  browser: Agent,
  origin: string,
): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator({ rpId: new URL(origin).hostname, origin });
  const page = await browser.get('/account').expect(200);
  const csrf = /data-csrf-token="([^"]+)"/.exec(page.text)![1];
  const options = await browser
    .post('/account/passkeys/options')
    .send({ csrf_token: csrf })
    .expect(200);
  await browser
    .post('/account/passkeys')
    .send({
      csrf_token: csrf,
      response: authenticator.register(
        options.body as Parameters<typeof authenticator.register>[0],
      ),
    })
    .expect(201);
  return authenticator;
}

/**
 * Signs `browser` in with the passkey on the login page `loginPath` (the page /authorize sent it
 * to, or `/login`), as passkey-login.js does: the page's CSRF token and return_to, the assertion
 * to POST /login/passkey. Resolves to where the page would continue (the response's `redirect`).
 */
export async function passkeySignIn(
  browser: Agent,
  authenticator: SoftwareAuthenticator,
  loginPath = '/login',
): Promise<string> {
  const page = await browser.get(loginPath).expect(200);
  // The login form's fields (a signed-in page's header has a sign-out form with its own).
  const form =
    /id="login-form"[^]*?name="csrf_token" value="([^"]+)"[^]*?name="return_to" value="([^"]+)"/.exec(
      page.text,
    )!;
  const [, csrf, returnTo] = [form[0], form[1], form[2].replace(/&amp;/g, '&')];
  const challenge = await browser.post('/passkeys/authentication/options').send({}).expect(200);
  const response = authenticator.assert(challenge.body as { challenge: string });
  const signedIn = await browser
    .post('/login/passkey')
    .send({ response, csrf_token: csrf, return_to: returnTo })
    .expect(200);
  return (signedIn.body as { redirect: string }).redirect;
}
