import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { BrowserClient } from './login-page';
import { clientEntry } from './oauth';

/** A client's own web site, for a browser to arrive from. */
export interface ClientSite {
  /** The client, registered with the site's `/callback` as its redirect URI. */
  readonly client: BrowserClient;
  /**
   * On the client's page, follows its `#sign-in` to Proofgate's login page, signs in there with
   * the password form, and waits for the browser to come back to the client's callback.
   */
  signInFromStart(page: Page, issuer: string, username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A client's web site on a free port of 127.0.0.1 (another site than Proofgate's `localhost`), for
 * a browser spec: `/start` is the client's page, its body from `startPage()` at each request (a
 * test sets what it links to or posts), and any other path the client's callback. The block's
 * beforeAll starts it and registers the client (`id`, first party) in `env.OAUTH_CLIENTS`: an app
 * that reads `env` in a later beforeAll knows it. The spec closes it after its app.
 */
export function useClientSite(
  env: Record<string, string>,
  id: string,
  startPage: () => string,
): ClientSite {
  let site: Server | undefined;
  let client: BrowserClient | undefined;
  beforeAll(async () => {
    site = createServer((req, res) => {
      const start = new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/start';
      res.setHeader('Content-Type', 'text/html');
      res.end(
        start
          ? `<!DOCTYPE html><title>client</title>${startPage()}`
          : '<!DOCTYPE html><title>client callback</title>',
      );
    });
    const listening = site;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const { port } = listening.address() as AddressInfo;
    client = { id, redirectUri: `http://127.0.0.1:${port}/callback` };
    env.OAUTH_CLIENTS = JSON.stringify([clientEntry(client, { first_party: true })]);
  });
  const started = (): BrowserClient => {
    if (!client) throw new Error('The client site starts in beforeAll: use it from a test');
    return client;
  };
  return {
    get client() {
      return started();
    },
    async signInFromStart(page, issuer, username, password) {
      const { redirectUri } = started();
      await Promise.all([
        page.waitForURL((url) => url.origin === issuer && url.pathname === '/login'),
        page.click('#sign-in'),
      ]);
      await page.fill('#username', username);
      await page.fill('#password', password);
      await Promise.all([
        page.waitForURL((url) => `${url.origin}${url.pathname}` === redirectUri),
        page.click('button[type="submit"]:has-text("Sign in")'),
      ]);
    },
    close: () => new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve())),
  };
}
