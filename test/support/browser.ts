/**
 * Headless Chromium driven by playwright-core (never a browser downloaded by Playwright), plus an
 * injected EIP-1193 wallet backed by a viem local account. Which Chromium: see ./chromium.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, LaunchOptions, Page, Response, chromium } from 'playwright-core';
import type { PrivateKeyAccount } from 'viem/accounts';
import { FoundChromium, findChromium } from './chromium';
import { type BitcoinAddressType, newBitcoinWallet } from '../../src/lab-client/siwb-scenarios';

const ARTIFACTS = join(__dirname, '..', 'artifacts');

/**
 * Collects what went wrong in a page, for a test to expect none: console errors (CSP violations
 * among them), uncaught exceptions, and the failed responses `counts` says are the page's (by
 * default every 4xx/5xx but the browser's own favicon request). "Failed to load resource" console
 * lines are left to `counts`, which sees the response itself. Returns the live list.
 */
export function watchPageProblems(
  page: Page,
  counts: (response: Response) => boolean = (response) =>
    new URL(response.url()).pathname !== '/favicon.ico',
): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400 && counts(response)) {
      problems.push(`${response.status()} ${response.url()}`);
    }
  });
  return problems;
}

/** Ours, whichever Chromium runs. */
export const BROWSER_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Of the packaged build's recommended flags, the ones kept. The others are left out on purpose:
 * --disable-web-security, --allow-running-insecure-content, --disable-site-isolation-trials and
 * --disable-features=IsolateOrigins,site-per-process would switch off the very browser rules
 * (same-origin, CORS, cookies, CSP) these tests check; --single-process and --in-process-gpu
 * change the process model; --headless='shell' is Playwright's `headless` (the build is a
 * headless shell anyway); the graphics flags are moot with --disable-gpu.
 */
export const PACKAGED_FLAGS_KEPT = new Set([
  '--no-zygote',
  '--disable-setuid-sandbox',
  '--disable-domain-reliability',
  '--no-pings',
  '--no-default-browser-check',
  '--font-render-hinting=none',
]);

export function launchOptions(found: FoundChromium): LaunchOptions {
  const recommended = found.recommendedArgs.filter(
    (flag) => PACKAGED_FLAGS_KEPT.has(flag) && !BROWSER_FLAGS.includes(flag),
  );
  return {
    executablePath: found.executablePath,
    headless: true,
    args: [...BROWSER_FLAGS, ...recommended],
    ...(found.env ? { env: found.env } : {}),
  };
}

let found: Promise<FoundChromium> | undefined;

/** Finds Chromium once per test file (see ./chromium.ts) and launches it headless. */
export async function launchBrowser(): Promise<Browser> {
  found ??= findChromium();
  const options = launchOptions(await found);
  try {
    return await chromium.launch(options);
  } catch (error) {
    const { source, executablePath } = await found;
    throw new Error(
      `Chromium from ${source} (${executablePath}) did not start: ${(error as Error).message}`,
    );
  }
}

/** Saves a full-page screenshot under test/artifacts/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Resolves once `check` holds, checking every 250 ms; throws after `timeoutMs`. For waiting on a
 * page from the test side: our pages' CSP forbids the string evaluation a `waitForFunction`
 * expression needs (and the test project has no DOM types for a function).
 */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Gives the page a `window.ethereum` (EIP-1193) whose accounts and signatures come from `account`
 * in the test process, as a browser wallet extension would provide them. EIP-712 typed data
 * (`eth_signTypedData_v4`) is signed by `typedDataSigner` (default: `account`; another key makes
 * a wallet whose typed-data signatures are not its account's). `asked` collects the methods the
 * page called, in order.
 */
export async function installTestWallet(
  page: Page,
  account: PrivateKeyAccount,
  { typedDataSigner = account }: { typedDataSigner?: PrivateKeyAccount } = {},
): Promise<{ asked: string[] }> {
  const asked: string[] = [];
  await page.exposeFunction(
    '__proofgateTestWallet',
    async (method: string, params: unknown[]): Promise<unknown> => {
      asked.push(method);
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return [account.address];
        case 'eth_chainId':
          return '0x1';
        case 'personal_sign': {
          const [message] = params as [string];
          const text = message.startsWith('0x')
            ? Buffer.from(message.slice(2), 'hex').toString('utf8')
            : message;
          return account.signMessage({ message: text });
        }
        case 'eth_signTypedData_v4': {
          const [address, json] = params as [string, string];
          if (address.toLowerCase() !== account.address.toLowerCase()) {
            throw new Error('test wallet: typed data for another address');
          }
          // viem derives EIP712Domain from the domain itself.
          const { types, domain, primaryType, message } = JSON.parse(json) as {
            types: Record<string, { name: string; type: string }[]>;
            domain: Record<string, unknown>;
            primaryType: string;
            message: Record<string, unknown>;
          };
          const own = Object.fromEntries(
            Object.entries(types).filter(([name]) => name !== 'EIP712Domain'),
          );
          return typedDataSigner.signTypedData({ domain, types: own, primaryType, message });
        }
        default:
          throw new Error(`test wallet: unsupported method ${method}`);
      }
    },
  );
  // Runs in the page before its own scripts (a string: the test project has no DOM types).
  await page.addInitScript({
    content: `window.ethereum = {
      isTestWallet: true,
      request: ({ method, params }) => window.__proofgateTestWallet(method, params || []),
      on() {},
      removeListener() {},
    };`,
  });
  return { asked };
}

/** An Ed25519 keypair the Solana test wallet signs with, in the test process. */
export interface SolanaTestKey {
  /** Base58 public key. */
  readonly address: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Registers a Wallet Standard wallet (standard:connect, standard:events, solana:signMessage) in
 * the page, whose account and signatures come from `key` in the test process, the way a wallet
 * extension registers itself: by the `wallet-standard:register-wallet` event, and on
 * `wallet-standard:app-ready` for an app that loads later (@wallet-standard/wallet's
 * registerWallet). `signedMessages` collects the texts it was asked to sign.
 */
export async function installSolanaTestWallet(
  page: Page,
  key: SolanaTestKey,
  chains: readonly string[] = ['solana:mainnet', 'solana:devnet'],
): Promise<{ signedMessages: string[] }> {
  const signedMessages: string[] = [];
  await page.exposeFunction('__proofgateSolanaSign', (message: number[]): number[] => {
    const bytes = Uint8Array.from(message);
    signedMessages.push(new TextDecoder().decode(bytes));
    return Array.from(key.sign(bytes));
  });
  const account = {
    address: key.address,
    publicKey: Array.from(key.publicKey),
    chains,
    features: ['solana:signMessage'],
  };
  await page.addInitScript({
    content: `(() => {
      const account = ${JSON.stringify(account)};
      account.publicKey = Uint8Array.from(account.publicKey);
      const wallet = {
        version: '1.0.0',
        name: 'Proofgate Solana Test Wallet',
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
        chains: account.chains,
        accounts: [],
        features: {
          'standard:connect': {
            version: '1.0.0',
            connect: async () => {
              wallet.accounts = [account];
              return { accounts: wallet.accounts };
            },
          },
          'standard:events': { version: '1.0.0', on: () => () => {} },
          'solana:signMessage': {
            version: '1.0.0',
            signMessage: (...inputs) =>
              Promise.all(
                inputs.map(async ({ message }) => ({
                  signedMessage: message,
                  signature: Uint8Array.from(
                    await window.__proofgateSolanaSign(Array.from(message)),
                  ),
                })),
              ),
          },
        },
      };
      const callback = ({ register }) => register(wallet);
      window.dispatchEvent(
        new CustomEvent('wallet-standard:register-wallet', { detail: callback }),
      );
      window.addEventListener('wallet-standard:app-ready', ({ detail }) => callback(detail));
    })();`,
  });
  return { signedMessages };
}

/**
 * Playwright cannot intercept the hops of a redirect (microsoft/playwright#2617), so the 302
 * from /authorize to a client's redirect URI would reach the network and fail. This relays it:
 * /authorize is fetched from the real server without following redirects, and a redirect to
 * `redirectUri` becomes a page that navigates there, a new navigation a route of the test can
 * answer. Answers the statuses and locations /authorize gave, in order.
 */
export async function relayAuthorizeRedirects(
  page: Page,
  issuer: string,
  redirectUri: string,
): Promise<Array<{ status: number; location: string | undefined }>> {
  const answers: Array<{ status: number; location: string | undefined }> = [];
  await page.route(
    (url) => url.origin === issuer && url.pathname === '/authorize',
    async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const location = response.headers().location;
      answers.push({ status: response.status(), location });
      if (location?.startsWith(`${redirectUri}?`)) {
        const escaped = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
        await route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: `<!DOCTYPE html><meta http-equiv="refresh" content="0;url=${escaped}">`,
        });
      } else {
        await route.fulfill({ response });
      }
    },
  );
  return answers;
}

/** How a Bitcoin test wallet shows itself to the page (see Proofgate.findBitcoin). */
export type BitcoinWalletInterface = 'unisat' | 'wallet-standard' | 'sats-connect' | 'leather';

/**
 * A Bitcoin wallet in the page whose signatures the test makes (the lab's wallet: BIP-322 simple,
 * the legacy format for P2PKH); what it was asked to sign, in order, with how it was asked (UniSat's
 * `kind`, sats-connect's `protocol`, Leather's `paymentType`, or `bitcoin:signMessage`). It shows
 * itself as `via` says: a `window.unisat`, a Wallet Standard wallet registered with
 * `bitcoin:connect` and `bitcoin:signMessage`, sats-connect's `window.XverseProviders.BitcoinProvider`
 * or `window.LeatherProvider`, each answering as its documented interface does.
 */
export async function installBitcoinTestWallet(
  page: Page,
  type: BitcoinAddressType,
  via: BitcoinWalletInterface = 'unisat',
): Promise<{ address: string; signed: Array<{ message: string; kind: string }> }> {
  const wallet = newBitcoinWallet(type);
  const signed: Array<{ message: string; kind: string }> = [];
  await page.exposeFunction('__proofgateBitcoinSign', (message: string, kind: string) => {
    signed.push({ message, kind });
    return wallet.signText(message);
  });
  const address = JSON.stringify(wallet.address);
  const scripts: Record<BitcoinWalletInterface, string> = {
    unisat: `window.unisat = {
        requestAccounts: async () => [${address}],
        getNetwork: async () => 'livenet',
        signMessage: (message, kind) => window.__proofgateBitcoinSign(message, kind),
      };`,
    'wallet-standard': `const account = {
        address: ${address},
        publicKey: new Uint8Array(33),
        chains: ['bitcoin:mainnet'],
        features: ['bitcoin:signMessage'],
      };
      const wallet = {
        version: '1.0.0',
        name: 'Proofgate Bitcoin Test Wallet',
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
        chains: ['bitcoin:mainnet'],
        accounts: [],
        features: {
          'bitcoin:connect': {
            version: '1.0.0',
            connect: async ({ purposes }) => {
              if (!purposes.includes('payment')) throw new Error('no payment purpose asked');
              wallet.accounts = [account];
              return { accounts: wallet.accounts };
            },
          },
          'bitcoin:signMessage': {
            version: '1.0.0',
            signMessage: (...inputs) =>
              Promise.all(
                inputs.map(async ({ account: signer, message }) => {
                  if (signer.address !== account.address) throw new Error('unknown account');
                  const text = new TextDecoder().decode(message);
                  const signature = await window.__proofgateBitcoinSign(text, 'bitcoin:signMessage');
                  return {
                    signedMessage: message,
                    signature: Uint8Array.from(atob(signature), (c) => c.charCodeAt(0)),
                  };
                }),
              ),
          },
        },
      };
      const callback = ({ register }) => register(wallet);
      window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: callback }));
      window.addEventListener('wallet-standard:app-ready', ({ detail }) => callback(detail));`,
    // sats-connect's provider answers JSON-RPC 2.0 objects; an unknown method is an error answer.
    'sats-connect': `let id = 0;
      const answer = (result) => ({ jsonrpc: '2.0', id: String(++id), result });
      window.XverseProviders = {
        BitcoinProvider: {
          request: async (method, params) => {
            if (method === 'getAccounts' && params.purposes.includes('payment')) {
              return answer([
                { address: ${address}, publicKey: '', purpose: 'payment', addressType: '${type}' },
              ]);
            }
            if (method === 'signMessage' && params.address === ${address}) {
              const signature = await window.__proofgateBitcoinSign(params.message, params.protocol);
              return answer({ signature, messageHash: '', address: params.address, protocol: params.protocol });
            }
            return { jsonrpc: '2.0', id: String(++id), error: { code: -32601, message: 'Method not supported' } };
          },
        },
      };`,
    // Leather answers JSON-RPC 2.0 and rejects with the error answer.
    leather: `window.LeatherProvider = {
        request: async (method, params) => {
          if (method === 'getAddresses') {
            return {
              jsonrpc: '2.0',
              id: '1',
              result: {
                addresses: [
                  { symbol: 'BTC', type: '${type}', address: ${address}, publicKey: '' },
                  { symbol: 'STX', address: 'SP000000000000000000002Q6VF78', publicKey: '' },
                ],
              },
            };
          }
          if (method === 'signMessage' && params.paymentType === '${type}') {
            const signature = await window.__proofgateBitcoinSign(params.message, params.paymentType);
            return { jsonrpc: '2.0', id: '2', result: { signature, address: ${address} } };
          }
          throw { jsonrpc: '2.0', id: '3', error: { code: 4001, message: 'User rejected request' } };
        },
      };`,
  };
  await page.addInitScript({ content: `(() => {\n      ${scripts[via]}\n    })();` });
  return { address: wallet.address, signed };
}
