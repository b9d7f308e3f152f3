/**
 * A scripted browser for `npm run conformance:mcp`: opens the authorization URL the suite prints,
 * signs in on Proofgate's login page (username and password), allows on the consent screen, and
 * follows the redirects until the one to the suite's callback, which it then opens, as a user's
 * browser would. Plain HTTP (fetch, cookies kept per name), no JavaScript needed: the login form
 * and the consent form post without it.
 */

export interface Credentials {
  username: string;
  password: string;
}

const MAX_STEPS = 20;

const unescapeHtml = (value: string): string =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The value of the hidden input `name` in the form of `page`, if any. */
export function hiddenField(page: string, name: string): string | undefined {
  const value = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(page)?.[1];
  return value === undefined ? undefined : unescapeHtml(value);
}

/**
 * GET the callback. The suite prints the authorization URL before its callback server listens,
 * so a refused connection is tried again for a few seconds.
 */
async function openCallback(url: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

class Browser {
  private readonly cookies = new Map<string, string>();

  async send(url: string, form?: Record<string, string>): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<string, string> = cookie ? { cookie } : {};
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers,
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}

/**
 * Signs in and consents for the authorization request at `authorizationUrl`, and opens the
 * redirect to `callback` (the suite's `http://127.0.0.1:<port>/callback`). Resolves to the URL it
 * opened there; rejects with what the browser saw when the flow goes elsewhere. The password is
 * never part of an error.
 */
export async function signInAndConsent(
  authorizationUrl: string,
  callback: string,
  credentials: Credentials,
): Promise<string> {
  const browser = new Browser();
  const isCallback = (url: URL) => `${url.origin}${url.pathname}` === callback;
  let next: { url: string; form?: Record<string, string> } = { url: authorizationUrl };
  const seen: string[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const res = await browser.send(next.url, next.form);
    const here = new URL(next.url);
    seen.push(`${next.form ? 'POST' : 'GET'} ${here.pathname} ${res.status}`);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const target = new URL(location, here);
      if (isCallback(target)) {
        const delivered = await openCallback(target.href);
        await delivered.body?.cancel();
        if (!delivered.ok) throw new Error(`the callback ${callback} answered ${delivered.status}`);
        return target.href;
      }
      next = { url: target.href };
      continue;
    }
    const page = await res.text();
    const csrf = hiddenField(page, 'csrf_token');
    const returnTo = hiddenField(page, 'return_to');
    if (res.status === 200 && page.includes('id="login-form"') && csrf && returnTo) {
      next = {
        url: new URL('/login', here).href,
        form: { ...credentials, csrf_token: csrf, return_to: returnTo },
      };
    } else if (res.status === 200 && page.includes('action="/consent"') && csrf && returnTo) {
      next = {
        url: new URL('/consent', here).href,
        form: { decision: 'allow', csrf_token: csrf, return_to: returnTo },
      };
    } else {
      const shown = page
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 300);
      throw new Error(`the browser got stuck: ${seen.join(', ')}: ${shown}`);
    }
  }
  throw new Error(`no redirect to ${callback} after ${MAX_STEPS} steps: ${seen.join(', ')}`);
}
