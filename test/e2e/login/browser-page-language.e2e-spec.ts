/**
 * The login page in each language, as the project's Chromium asks for it: the browser's own
 * locale sets its Accept-Language, and the page answers in it, with `<html lang>`, its texts and
 * its scripts' texts from the catalogues, and no console problem (the CSP lets the JSON block
 * by). Screenshots go to docs/images/login-{en,de,fr,es}.png (docs/LANGUAGES.md shows them).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startBrowserApp, watchConsoleProblems } from '../../support/browser-app';
import { until } from '../../support/browser';
import { PageLocale, SUPPORTED_LOCALES } from '../../../src/platform/i18n/page-locale';
import type { TestApp } from '../../support/test-app';

const IMAGES = join(__dirname, '..', '..', '..', 'docs', 'images');
/** The browser locale each language's page is asked for in: a region, as browsers send it. */
const BROWSER_LOCALES = { en: 'en-US', de: 'de-DE', fr: 'fr-FR', es: 'es-ES' } as const;

describe('the login page’s language in the browser', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ t, issuer, browser } = await startBrowserApp());
    mkdirSync(IMAGES, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each(SUPPORTED_LOCALES)(
    '%s: the browser’s locale chooses the page’s language',
    async (tag) => {
      const context = await browser.newContext({ locale: BROWSER_LOCALES[tag] });
      try {
        const page = await context.newPage();
        const problems = watchConsoleProblems(page);
        await page.goto(`${issuer}/login`);
        const locale = PageLocale.of(tag);
        expect(await page.getAttribute('html', 'lang')).toBe(tag);
        expect(await page.textContent('h1')).toBe(locale.t('login.title'));
        expect(await page.textContent('label[for="username"]')).toBe(locale.t('login.username'));
        expect(await page.textContent('#login-form button[type="submit"]')).toBe(
          locale.t('login.submit'),
        );
        expect(await page.title()).toBe(
          locale.t('frame.title', { title: locale.t('login.title') }),
        );
        // The scripts' texts too: the wallet button says, in the page's language, that no wallet
        // was found (this browser has none).
        const noWallet = locale.t('script.wallet.none', { chain: 'Ethereum' });
        await until(async () => (await page.textContent('#siwe-login')) === noWallet, 5000);
        await page.screenshot({ path: join(IMAGES, `login-${tag}.png`), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
