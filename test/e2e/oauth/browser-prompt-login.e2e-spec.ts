/**
 * `prompt=login` in headless Chromium, arriving from the client's own site as a user does: the
 * client's page (127.0.0.1, another site than Proofgate's localhost) links to /authorize, which
 * sends the browser to sign in and back with a sign-in marker bound to the browser's pre-login
 * session. Here cookies follow the browser's SameSite rules (supertest's agent sends every
 * cookie): the pre-login session must reach /authorize and the login page on that cross-site
 * arrival, or each would start one of its own and the way back could never redeem the marker.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useBrowserApp } from '../../support/browser-app';
import { type BrowserClient, authorizeUrl, passwordLogin } from '../../support/login-page';
import { clientEntry, pkcePair } from '../../support/oauth';

describe('prompt=login from the client’s site, in a browser', () => {
  /** The client's site: its page linking to `authorization`, and its callback. */
  let site: Server;
  let client: BrowserClient;
  /** Where the client's page links to, per test. */
  let authorization: string;
  const env: Record<string, string> = { RATE_LIMIT_LOGIN_PER_IP: '1000' };

  beforeAll(async () => {
    site = createServer((req, res) => {
      const start = new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/start';
      res.setHeader('Content-Type', 'text/html');
      res.end(
        start
          ? `<!DOCTYPE html><title>client</title><a id="sign-in" href="${authorization.replaceAll('&', '&amp;')}">Sign in</a>`
          : '<!DOCTYPE html><title>client callback</title>',
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const { port } = site.address() as AddressInfo;
    client = { id: 'other-site', redirectUri: `http://127.0.0.1:${port}/callback` };
    env.OAUTH_CLIENTS = JSON.stringify([clientEntry(client, { first_party: true })]);
  });
  // Reads `env` when its own beforeAll runs, after the one above.
  const spec = useBrowserApp(env, { host: 'localhost' });
  afterAll(() => new Promise((resolve) => site.close(resolve)));

  /** The client's page links to its prompt=login request; the user follows and signs in. */
  async function promptLoginFromClient(state: string): Promise<URL> {
    const { page, issuer } = spec;
    const request = authorizeUrl(issuer, client, {
      challenge: pkcePair().challenge,
      state,
      scope: 'openid',
    });
    authorization = `${request}&prompt=login`;
    await page.goto(new URL('/start', client.redirectUri).href);
    await Promise.all([
      page.waitForURL((url) => url.origin === issuer && url.pathname === '/login'),
      page.click('#sign-in'),
    ]);
    await page.fill('#username', 'user0');
    await page.fill('#password', 'password0');
    await Promise.all([
      page.waitForURL((url) => `${url.origin}${url.pathname}` === client.redirectUri),
      page.click('button[type="submit"]:has-text("Sign in")'),
    ]);
    return new URL(spec.page.url());
  }

  it('a browser new to Proofgate signs in once and the client gets its code', async () => {
    const callback = await promptLoginFromClient('st-new');
    expect(callback.searchParams.get('state')).toBe('st-new');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(spec.problems).toEqual([]);
  });

  it('a browser signed in (with its pre-login cookies) signs in again once, and the client gets its code', async () => {
    await passwordLogin(spec.page, spec.issuer, 'user0', 'password0', '/');
    const callback = await promptLoginFromClient('st-again');
    expect(callback.searchParams.get('state')).toBe('st-again');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(spec.problems).toEqual([]);
  });
});
