/**
 * What every browser spec starts with: the app listening on a real port of 127.0.0.1, and a
 * headless Chromium; then, per test, a fresh context and page whose problems are collected and
 * whose OAuth client's redirect URI is answered as the client would (nothing listens there).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { ListeningApp, startListeningApp } from './test-app';

export interface BrowserApp extends ListeningApp {
  browser: Browser;
}

/** `host`: 127.0.0.1 by default; `localhost` where the page needs a domain (a WebAuthn RP ID). */
export async function startBrowserApp(
  env: Record<string, string> = {},
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
): Promise<BrowserApp> {
  const { t, issuer } = await startListeningApp(env, host);
  try {
    return { t, issuer, browser: await launchBrowser() };
  } catch (error) {
    await t.close();
    throw error;
  }
}

/** Console errors (CSP violations among them) and uncaught exceptions of the page. */
export function watchConsoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

export interface PageOptions {
  client?: { id: string; redirectUri: string };
  watch?: (page: Page) => string[];
}

/**
 * A fresh context and page. `client`: an OAuth client whose redirect URI's origin answers a page
 * titled with its name, as the client's own callback would; `watch`: what counts as a problem
 * (default: console errors and uncaught exceptions).
 */
export async function openPage(
  browser: Browser,
  { client, watch = watchConsoleProblems }: PageOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watch(page);
  if (client) {
    const body = `<!DOCTYPE html><title>${client.id}</title><h1>${client.id} callback</h1>`;
    await context.route(`${new URL(client.redirectUri).origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body }),
    );
  }
  return { context, page, problems };
}

/** What a browser spec's tests see: the app and browser of the file, the page of the test. */
export type BrowserSpec = BrowserApp & OpenedPage;

/**
 * The hooks of a browser spec: startBrowserApp before all its tests (closed after them), and
 * openPage before each (its context closed after it). The object returned is filled in by the
 * hooks: read its fields inside tests and hooks, not when the describe block is declared.
 */
export function useBrowserApp(
  env: Record<string, string> = {},
  { host, ...page }: PageOptions & { host?: '127.0.0.1' | 'localhost' } = {},
): BrowserSpec {
  const spec = {} as BrowserSpec;
  beforeAll(async () => {
    Object.assign(spec, await startBrowserApp(env, host));
  });
  afterAll(async () => {
    await spec.browser?.close();
    await spec.t?.close();
  });
  beforeEach(async () => {
    Object.assign(spec, await openPage(spec.browser, page));
  });
  afterEach(() => spec.context?.close());
  return spec;
}
