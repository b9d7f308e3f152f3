/**
 * Headless Chromium from Debian's `chromium` package, driven by playwright-core (never a
 * downloaded browser), plus an injected EIP-1193 wallet backed by a viem local account.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import type { PrivateKeyAccount } from 'viem/accounts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under test/artifacts/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Gives the page a `window.ethereum` (EIP-1193) whose accounts and signatures come from `account`
 * in the test process, as a browser wallet extension would provide them.
 */
export async function installTestWallet(page: Page, account: PrivateKeyAccount): Promise<void> {
  await page.exposeFunction(
    '__proofgateTestWallet',
    async (method: string, params: unknown[]): Promise<unknown> => {
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
}
