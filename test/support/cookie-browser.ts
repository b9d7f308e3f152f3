import { csrfOf } from './login-form';
/** Just enough of a browser over fetch: follows nothing by itself, keeps cookies per name. */
export class CookieBrowser {
  private readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  /** A GET as a browser's navigation sends it: asking for HTML first, as Chromium and Firefox do. */
  async navigate(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(url, {
      method: 'GET',
      headers: {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        ...headers,
      },
    });
  }

  /** A GET as a page's script sends it, asking for JSON. */
  async getJson(url: string): Promise<Response> {
    return this.send(url, { method: 'GET', headers: { accept: 'application/json' } });
  }

  async postForm(url: string, form: Record<string, string>): Promise<Response> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async postJson(url: string, body: unknown): Promise<Response> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}

/** Who signs in on the login page, and where it sends the browser next. */
export interface PasswordSignIn {
  readonly returnTo?: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Signs `browser` in through `issuer`'s login page (its form, with the page's CSRF token), by
 * default as user1 back to `/`: where the login's 303 sends the browser.
 */
export async function passwordSignIn(
  browser: CookieBrowser,
  issuer: string,
  { returnTo = '/', username = 'user1', password = 'password1' }: PasswordSignIn = {},
): Promise<string> {
  const page = await browser.get(`${issuer}/login?return_to=${encodeURIComponent(returnTo)}`);
  const res = await browser.postForm(`${issuer}/login`, {
    username,
    password,
    csrf_token: csrfOf(await page.text()),
    return_to: returnTo,
  });
  expect(res.status).toBe(303);
  return res.headers.get('location')!;
}

/** `browser` signed in through `issuer`'s login page (see passwordSignIn). */
export async function signedInBrowser(
  issuer: string,
  browser = new CookieBrowser(),
  who: PasswordSignIn = {},
): Promise<CookieBrowser> {
  await passwordSignIn(browser, issuer, who);
  return browser;
}
