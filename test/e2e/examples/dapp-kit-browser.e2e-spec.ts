/**
 * The dApp-kits' HTTP module (examples/dapp-kits/proofgate-wallet-api.ts) in headless Chromium,
 * on a dApp's own origin (issue #31, item 2): Proofgate on http://localhost:<port>, the dApp page
 * on http://127.0.0.1:<another port>, the redirect origin of a registered public client. The page
 * loads the module as the browser gets it (TypeScript's own transpilation, no bundler), asks its
 * wallet (an EIP-1193 provider over a viem key, as a wallet extension injects one) for the
 * account, gets a nonce, has the message signed, trades it for tokens and calls /api/me, every
 * call a cross-origin fetch. The same page on an origin no client has is stopped by the browser.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import ts from 'typescript';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { installTestWallet, launchBrowser, watchPageProblems } from '../../support/browser';
import { freePort } from '../../support/processes';
import { startListeningApp, type TestApp } from '../../support/test-app';
import type { Browser } from 'playwright-core';

const WALLET_API = join(
  __dirname,
  '..',
  '..',
  '..',
  'examples',
  'dapp-kits',
  'proofgate-wallet-api.ts',
);
const CLIENT = { id: 'browser-dapp', name: 'A dApp in the browser' };
/**
 * The client the page signs in as: the adapter names it at /wallet/nonce and /wallet/verify, so
 * the nonce is bound to it and the message names the dApp's own origin (#31).
 */
const SIGN_IN_AS: string | undefined = CLIENT.id;

/** The module as a browser loads it: the adapter's TypeScript, types removed, an ES module. */
function walletApiModule(): string {
  return ts.transpileModule(readFileSync(WALLET_API, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}

/** The dApp's script: the whole sign-in, run when the test calls `window.signIn()`. */
const DAPP_SCRIPT = `
import { ProofgateWalletApi } from './proofgate-wallet-api.js';

const { issuer, clientId } = JSON.parse(document.getElementById('config').textContent);
const api = new ProofgateWalletApi({ issuer, ...(clientId ? { clientId } : {}) });

window.signIn = async () => {
  const [address] = await window.ethereum.request({ method: 'eth_requestAccounts' });
  const issued = await api.nonce(address, 1);
  const signature = await window.ethereum.request({
    method: 'personal_sign',
    params: [issued.message, address],
  });
  const tokens = await api.verify(issued.message, signature);
  const me = await api.me(tokens.access_token);
  return { address, domain: issued.domain, tokenType: tokens.token_type, me };
};

/** What a page sees when the browser refuses a cross-origin answer: fetch rejects. */
window.tryNonce = async () => {
  const [address] = await window.ethereum.request({ method: 'eth_requestAccounts' });
  try {
    await api.nonce(address, 1);
    return { rejected: false };
  } catch (error) {
    return { rejected: true, name: error.name, message: error.message };
  }
};
document.body.dataset.ready = 'yes';
`;

/** Serves the dApp (its page, its script and the adapter's module) on 127.0.0.1:`port`. */
async function serveDapp(port: number, config: unknown): Promise<Server> {
  const files: Record<string, { type: string; body: string }> = {
    '/': {
      type: 'text/html',
      body: `<!DOCTYPE html><title>dApp</title>
<script type="application/json" id="config">${JSON.stringify(config)}</script>
<script type="module" src="/dapp.js"></script>`,
    },
    '/dapp.js': { type: 'text/javascript', body: DAPP_SCRIPT },
    '/proofgate-wallet-api.js': { type: 'text/javascript', body: walletApiModule() },
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' });
    res.end(file?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('the dApp-kits wallet API in a browser, on the dApp’s own origin', () => {
  const account = privateKeyToAccount(generatePrivateKey());
  let t: TestApp;
  let issuer: string;
  let dappOrigin: string;
  let strangerOrigin: string;
  let servers: Server[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const [dappPort, strangerPort] = [await freePort(), await freePort()];
    dappOrigin = `http://127.0.0.1:${dappPort}`;
    // Not on 127.0.0.1: outside production a configured native client's loopback IP origin
    // counts on any port (RFC 8252 §7.3's port freedom, docs/SECURITY.md#cors-policy); no
    // client has `localhost` on this port.
    strangerOrigin = `http://localhost:${strangerPort}`;
    // Third-party and public: CORS answers any registered client's redirect origin.
    ({ t, issuer } = await startListeningApp(
      {
        OAUTH_CLIENTS: JSON.stringify([
          { client_id: CLIENT.id, name: CLIENT.name, redirect_uris: [`${dappOrigin}/signed-in`] },
        ]),
      },
      'localhost',
    ));
    const config = { issuer, clientId: SIGN_IN_AS };
    servers = [await serveDapp(dappPort, config), await serveDapp(strangerPort, config)];
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await t?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    problems = watchPageProblems(page);
    await installTestWallet(page, account);
  });
  afterEach(() => context?.close());

  async function open(origin: string): Promise<void> {
    await page.goto(`${origin}/`);
    await page.locator('body[data-ready="yes"]').waitFor({ state: 'attached' });
  }

  it('signs in with the wallet across origins: nonce, signature, tokens, /api/me', async () => {
    const verifyAnswer = page.waitForResponse(
      (response) =>
        response.url() === `${issuer}/wallet/verify` && response.request().method() === 'POST',
    );
    await open(dappOrigin);

    const result = await page.evaluate<{
      address: string;
      domain: string;
      tokenType: string;
      me: { sub: string; auth_method: string; client_id: string };
    }>('window.signIn()');

    expect(result.address).toBe(account.address);
    // EIP-4361 domain: Proofgate's own for the built-in client; the dApp's once bound to it.
    expect(result.domain).toBe(new URL(SIGN_IN_AS ? dappOrigin : issuer).host);
    expect(result.tokenType).toBe('Bearer');
    expect(result.me).toMatchObject({
      sub: `eip155:1:${account.address}`,
      client_id: SIGN_IN_AS ?? 'wallet',
    });
    // The page's own fetch, answered for its origin only, without credentials.
    const answer = await verifyAnswer;
    expect(await answer.request().headerValue('origin')).toBe(dappOrigin);
    expect(await answer.headerValue('access-control-allow-origin')).toBe(dappOrigin);
    expect(await answer.headerValue('access-control-allow-credentials')).toBeNull();
    expect(problems).toEqual([]);
  });

  it('is stopped by the browser on an origin no client has: fetch rejects, nothing is read', async () => {
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('blocked by CORS policy')) {
        blocked.push(message.text());
      }
    });
    await open(strangerOrigin);

    const result = await page.evaluate<{ rejected: boolean; name?: string; message?: string }>(
      'window.tryNonce()',
    );

    expect(result).toEqual({ rejected: true, name: 'TypeError', message: 'Failed to fetch' });
    // Chromium names the refusal: the JSON preflight got no Access-Control-Allow-Origin.
    expect(blocked).toEqual([
      expect.stringContaining(`from origin '${strangerOrigin}' has been blocked by CORS policy`),
    ]);
  });
});
