/**
 * Headless Chromium driven by playwright-core (never a browser downloaded by Playwright), plus an
 * injected EIP-1193 wallet backed by a viem local account. Which Chromium: see ./chromium.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, LaunchOptions, Page, Response, chromium } from 'playwright-core';
import type { PrivateKeyAccount } from 'viem/accounts';
import { FoundChromium, findChromium } from './chromium';

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
