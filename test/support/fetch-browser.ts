import { CookieBrowser, passwordSignIn } from './cookie-browser';

const unescapeHtml = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function hidden(page: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
  if (value === undefined) throw new Error(`no ${name} on the page`);
  return unescapeHtml(value);
}

/** The consent form's fields (posted to /consent), as the page carries them. */
export function consentForm(html: string): { csrf_token: string; return_to: string } {
  const form = /<form method="post" action="\/consent">([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (form === undefined) throw new Error('no consent form on the page');
  return { csrf_token: hidden(form, 'csrf_token'), return_to: hidden(form, 'return_to') };
}

export interface ConsentSeen {
  /** Where the authorization server finally redirected the browser (the client's callback). */
  callback: URL;
  /** The consent page as served (client name, client id, scopes). */
  consentPage: string;
}

/**
 * A user's browser through a third-party client's authorization request: login form as
 * user1, then the consent screen, Allow, and back to /authorize until the redirect to the client.
 */
export async function authorizeWithConsent(
  authorizationUrl: URL,
  issuer: string,
): Promise<ConsentSeen> {
  const browser = new CookieBrowser();
  const first = await browser.get(authorizationUrl.href);
  if (first.status !== 302)
    throw new Error(`/authorize answered ${first.status}: ${await first.text()}`);
  const loginUrl = new URL(first.headers.get('location')!, issuer);
  const signedIn = await passwordSignIn(browser, issuer, {
    returnTo: loginUrl.searchParams.get('return_to')!,
  });
  const consent = await browser.get(new URL(signedIn, issuer).href);
  if (consent.status !== 200) throw new Error(`expected the consent page, got ${consent.status}`);
  const consentPage = await consent.text();
  const allowed = await browser.postForm(`${issuer}/consent`, {
    decision: 'allow',
    ...consentForm(consentPage),
  });
  if (allowed.status !== 303) throw new Error(`consent answered ${allowed.status}`);
  const back = await browser.get(new URL(allowed.headers.get('location')!, issuer).href);
  if (back.status !== 302) throw new Error(`/authorize after consent answered ${back.status}`);
  return { callback: new URL(back.headers.get('location')!), consentPage };
}
