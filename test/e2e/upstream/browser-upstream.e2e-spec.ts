/**
 * "Sign in with GitHub" in headless Chromium: a pending /authorize request of demo-client is
 * completed by the login page's link through a GitHub-like provider on another site (`localhost`
 * beside the app's `127.0.0.1`), so the provider's redirect back is a cross-site top-level
 * navigation that carries only the Lax pre-login session cookie, as in production. The provider's
 * refusal ends on the login page, its text in the role="alert" element.
 */
import { type Server, createServer } from 'node:http';
import { decodeJwt } from 'jose';
import { freePort } from '../../support/processes';
import {
  type BrowserApp,
  type OpenedPage,
  openPage,
  startBrowserApp,
} from '../../support/browser-app';
import { authorizeUrl } from '../../support/login-page';
import { DEMO_CLIENT, exchangeCode, pkcePair } from '../../support/oauth';
import { type GithubLikeProvider, startGithubLikeProvider } from '../../support/upstream-providers';
import { UPSTREAM_REFUSALS } from '../../../src/upstream/upstream.errors';

/** The same server under the name of another site. */
const onLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');

describe('Sign in with an upstream provider on the login page (browser)', () => {
  let github: GithubLikeProvider;
  let app: BrowserApp;
  let opened: OpenedPage;
  /**
   * demo-client with a loopback redirect URI of its own (any port of 127.0.0.1): a real server
   * answers its callback, since the browser reaches it through redirects, which no route sees.
   */
  let client: typeof DEMO_CLIENT;
  let callbackServer: Server;

  beforeAll(async () => {
    const port = await freePort();
    client = { ...DEMO_CLIENT, redirectUri: `http://127.0.0.1:${port}/callback` };
    callbackServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><title>demo-client callback</title><h1>demo-client callback</h1>');
    });
    await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
    github = await startGithubLikeProvider({
      clientId: 'Iv1.browser',
      clientSecret: 'browser-secret',
      users: { octocat: { id: 583231, login: 'octocat' } },
    });
    app = await startBrowserApp({
      UPSTREAM_PROVIDERS: JSON.stringify([
        {
          kind: 'oauth2',
          id: 'github',
          name: 'GitHub',
          client_id: 'Iv1.browser',
          client_secret: 'browser-secret',
          authorization_endpoint: onLocalhost(github.authorizationEndpoint),
          token_endpoint: onLocalhost(github.tokenEndpoint),
          userinfo_endpoint: onLocalhost(github.userinfoEndpoint),
        },
      ]),
    });
  });
  afterAll(async () => {
    await app?.browser.close();
    await app?.t.close();
    await github.stop();
    await new Promise((resolve) => callbackServer.close(resolve));
  });
  beforeEach(async () => {
    opened = await openPage(app.browser);
  });
  afterEach(() => opened.context.close());

  it('completes the authorization request of demo-client through the provider', async () => {
    const { page, problems } = opened;
    const { verifier, challenge } = pkcePair();
    await page.goto(
      authorizeUrl(app.issuer, client, { challenge, state: 'browser-state', scope: 'openid' }),
    );
    expect(new URL(page.url()).pathname).toBe('/login');
    const link = page.locator('#upstream-github-login');
    await expect(link.textContent()).resolves.toBe('Sign in with GitHub');

    await Promise.all([
      page.waitForURL((url) => `${url.origin}${url.pathname}` === client.redirectUri),
      link.click(),
    ]);
    await expect(page.title()).resolves.toBe('demo-client callback');
    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe('browser-state');
    const tokens = await exchangeCode(
      app.t.app.getHttpServer(),
      callback.searchParams.get('code')!,
      verifier,
      client,
    ).expect(200);
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
      sub: 'upstream:github:583231',
      amr: ['fed'],
    });
    expect(problems).toEqual([]);
  });

  it('ends the provider’s refusal on the login page, the message in its alert', async () => {
    const { page } = opened;
    github.denyNext = true;
    await page.goto(`${app.issuer}/login`);
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('upstream_error') === 'cancelled'),
      page.locator('#upstream-github-login').click(),
    ]);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.locator('[role="alert"]').first().textContent()).resolves.toBe(
      UPSTREAM_REFUSALS.cancelled,
    );
  });
});
