/**
 * The user's side of the device authorization grant (RFC 8628 §3.3) as a browser takes it: sent
 * from /device to the login page and back, signed in with the demo password, then the
 * verification page's form.
 */
import { CookieBrowser } from './cookie-browser';
import { hiddenField } from './login-form';

/** A browser signed in through the login page, which /device sent it to and which sends it back. */
export async function signedInAtDevicePage(
  issuer: string,
  userCode: string,
): Promise<CookieBrowser> {
  const browser = new CookieBrowser();
  const back = `/device?user_code=${encodeURIComponent(userCode)}`;
  const first = await browser.get(`${issuer}${back}`);
  const location = first.headers.get('location');
  if (first.status !== 302 || location === null) {
    throw new Error(`/device did not send a signed-out browser to log in: ${first.status}`);
  }
  const loginUrl = new URL(location, issuer);
  if (loginUrl.pathname !== '/login' || loginUrl.searchParams.get('return_to') !== back) {
    throw new Error(`/device sent the browser to ${location}`);
  }
  const page = await (await browser.get(loginUrl.href)).text();
  const login = await browser.postForm(`${issuer}/login`, {
    username: 'user0',
    password: 'password0',
    csrf_token: hiddenField(page, 'csrf_token'),
    return_to: back,
  });
  if (login.status !== 303 || login.headers.get('location') !== back) {
    throw new Error(`the login did not come back to ${back}: ${login.status}`);
  }
  return browser;
}

/** The verification page's form as the browser has it, posted with `userCode` and `action`. */
export async function submitUserCode(
  browser: CookieBrowser,
  issuer: string,
  userCode: string,
  action: 'lookup' | 'approve' | 'deny',
): Promise<{ status: number; html: string }> {
  const form = await (await browser.get(`${issuer}/device`)).text();
  const res = await browser.postForm(`${issuer}/device`, {
    user_code: userCode,
    action,
    csrf_token: hiddenField(form, 'csrf_token'),
  });
  return { status: res.status, html: await res.text() };
}
