/**
 * `prompt=login` in headless Chromium, arriving from the client's own site as a user does: the
 * client's page (127.0.0.1, another site than Proofgate's localhost) links to /authorize, which
 * sends the browser to sign in and back with a sign-in marker bound to the browser's pre-login
 * session. Here cookies follow the browser's SameSite rules (supertest's agent sends every
 * cookie): the pre-login session must reach /authorize and the login page on that cross-site
 * arrival, or each would start one of its own and the way back could never redeem the marker.
 */
import { useBrowserApp } from '../../support/browser-app';
import { useClientSite } from '../../support/client-site';
import { authorizeUrl, passwordLogin } from '../../support/login-page';
import { pkcePair } from '../../support/oauth';

describe('prompt=login from the client’s site, in a browser', () => {
  /** Where the client's page links to, per test. */
  let authorization: string;
  const env: Record<string, string> = { RATE_LIMIT_LOGIN_PER_IP: '1000' };

  /** The client's site: its page linking to `authorization`, and its callback. */
  const site = useClientSite(
    env,
    'other-site',
    () => `<a id="sign-in" href="${authorization.replaceAll('&', '&amp;')}">Sign in</a>`,
  );
  // Reads `env` when its own beforeAll runs, after the one above.
  const spec = useBrowserApp(env, { host: 'localhost' });
  afterAll(() => site.close());

  /** The client's page links to its prompt=login request; the user follows and signs in. */
  async function promptLoginFromClient(state: string): Promise<URL> {
    const { page, issuer } = spec;
    const request = authorizeUrl(issuer, site.client, {
      challenge: pkcePair().challenge,
      state,
      scope: 'openid',
    });
    authorization = `${request}&prompt=login`;
    await page.goto(new URL('/start', site.client.redirectUri).href);
    await site.signInFromStart(page, issuer, 'user0', 'password0');
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
