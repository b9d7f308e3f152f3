/**
 * POST /authorize (OpenID Connect Core §3.1.2.1) in headless Chromium, as a client sends it: a
 * form on the client's own page (127.0.0.1, another site than Proofgate's localhost) posted to
 * /authorize. Cookies follow the browser's SameSite rules here: the cross-site post carries no
 * Lax session cookie, and the GET of the request it is sent on to does, so a signed-in user gets
 * the code without signing in again (oidcc-ensure-post-request-succeeds).
 */
import { useBrowserApp } from '../../support/browser-app';
import { useClientSite } from '../../support/client-site';
import { passwordLogin } from '../../support/login-page';
import { codeRequestOf } from '../../support/oauth';
import { escapeHtml } from '../../../src/platform/http/html';

describe('POST /authorize from the client’s site, in a browser', () => {
  /** The form's fields, per test. */
  let form: Record<string, string> = {};
  const env: Record<string, string> = { RATE_LIMIT_LOGIN_PER_IP: '1000' };

  const site = useClientSite(env, 'posting-site', () => {
    const fields = Object.entries(form)
      .map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`)
      .join('');
    return `<form method="post" action="${spec.issuer}/authorize">${fields}<button id="sign-in">Sign in</button></form>`;
  });
  // Reads `env` when its own beforeAll runs, after the one above.
  const spec = useBrowserApp(env, { host: 'localhost' });
  afterAll(() => site.close());

  /** The client's page posts its request: the callback, and the pages of Proofgate on the way. */
  async function postFromClient(
    state: string,
    signIn: boolean,
  ): Promise<{ callback: URL; visited: string[] }> {
    const { page, issuer } = spec;
    form = codeRequestOf(site.client, { scope: 'openid', state, nonce: `n-${state}` });
    const visited: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === issuer && request.isNavigationRequest()) {
        visited.push(`${request.method()} ${url.pathname}`);
      }
    });
    await page.goto(new URL('/start', site.client.redirectUri).href);
    if (signIn) {
      await site.signInFromStart(page, issuer, 'user0', 'password0');
    } else {
      const atCallback = (url: URL) => `${url.origin}${url.pathname}` === site.client.redirectUri;
      await Promise.all([page.waitForURL(atCallback), page.click('#sign-in')]);
    }
    page.removeAllListeners('request');
    return { callback: new URL(page.url()), visited };
  }

  it('a browser new to Proofgate signs in, and the client gets its code', async () => {
    const { callback, visited } = await postFromClient('st-new', true);
    expect(callback.searchParams.get('state')).toBe('st-new');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(visited).toEqual([
      'POST /authorize',
      'GET /authorize',
      'GET /login',
      'POST /login',
      'GET /authorize',
    ]);
    expect(spec.problems).toEqual([]);
  });

  it('a signed-in browser is not asked to sign in again: the post carries no Lax cookie, the GET it is sent on to does', async () => {
    await passwordLogin(spec.page, spec.issuer, 'user0', 'password0', '/');
    const { callback, visited } = await postFromClient('st-signed-in', false);
    expect(callback.searchParams.get('state')).toBe('st-signed-in');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(visited).toEqual(['POST /authorize', 'GET /authorize']);
    expect(spec.problems).toEqual([]);
  });
});
