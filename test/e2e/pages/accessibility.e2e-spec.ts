/**
 * The pages people meet, checked with axe-core against WCAG 2.2 levels A and AA and axe's best
 * practices, in each language the pages speak (the browser's Accept-Language), as a browser reaches
 * them: the login page (an upstream provider offered) and its refusals, the email code and link
 * pages, the account page, an identity wallet linked from it (the request, the page its redirect
 * opens, that page refused), its pending approvals (one with authorization details) and its sign-out
 * everywhere, the device pages, consent, a self-registered client's consent and Deny, /authorize's
 * error pages and the logout pages;
 * then the pages written in English only. One rule axe leaves out is checked here: a text
 * field's edge against the field and the card (SC 1.4.11, non-text contrast). What no tool can
 * judge (whether a label says what the field asks) is for a person to read.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { accessibilityViolations } from '../../support/accessibility';
import { launchBrowser, watchPageProblems } from '../../support/browser';
import { PAYMENT_INITIATION, PAY_12 } from '../../support/authorization-details';
import { addPaymentAgent, cibaClient } from '../../support/ciba-approvals';
import { deliveredTo, mailTo } from '../../support/email';
import { answer, issueCredential, newHolder } from '../../support/identity-wallet';
import { PARTNER, clientEntry, pkcePair } from '../../support/oauth';
import { register } from '../../support/registration';
import { useListeningApp } from '../../support/use-test-app';
import { SUPPORTED_LOCALES } from '../../../src/platform/i18n/page-locale';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const TV = { id: 'living-room-tv', redirectUri: 'http://127.0.0.1:7102/callback' };
/** A client that registered itself (POST /register): its errors and Deny are pages, not redirects. */
const SELF_REGISTERED = {
  name: 'Self Registered',
  redirectUri: 'https://self-registered.example/cb',
};

/** An `rgb(r, g, b)` colour's relative luminance (WCAG 2.2, "relative luminance"). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).slice(0, 3).map((value) => {
    const c = Number(value) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours (WCAG 2.2, "contrast ratio"), to two decimals. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return Math.floor(((light + 0.05) / (dark + 0.05)) * 100) / 100;
}

/** Clicks what submits a form and waits for the page it leads to. */
async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

describe('the pages meet WCAG 2.2 AA as axe-core checks it', () => {
  jest.setTimeout(180_000);
  const t = useListeningApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    RATE_LIMIT_EMAIL_CODES_PER_IP: '1000',
    RATE_LIMIT_EMAIL_CODES_PER_BROWSER: '1000',
    RATE_LIMIT_EMAIL_CODES_PER_ADDRESS: '1000',
    RATE_LIMIT_EMAIL_CODES_PER_MAILBOX: '1000',
    RATE_LIMIT_EMAIL_VERIFY_PER_IP: '1000',
    RATE_LIMIT_OID4VP_PER_IP: '1000',
    // Two requests pending in each language's walk.
    CIBA_MAX_PENDING_PER_CLIENT: '10',
    AUTHORIZATION_DETAILS_TYPES: JSON.stringify({ payment_initiation: PAYMENT_INITIATION }),
    // Offered on the login and account pages; never reached here (its endpoints are not contacted).
    UPSTREAM_PROVIDERS: JSON.stringify([
      {
        kind: 'oauth2',
        id: 'github',
        name: 'GitHub',
        client_id: 'Iv1.accessibility',
        client_secret: 'accessibility-secret',
        authorization_endpoint: 'https://github.example/login/oauth/authorize',
        token_endpoint: 'https://github.example/login/oauth/access_token',
        userinfo_endpoint: 'https://api.github.example/user',
      },
    ]),
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry({ ...PARTNER, name: 'Partner Analytics' }),
      clientEntry(TV, { grant_types: ['authorization_code', DEVICE_GRANT] }),
    ]),
  });
  let browser: Browser;
  let ask: ReturnType<typeof cibaClient>['ask'];
  let selfRegistered: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    const agent = 'payment-agent';
    ask = cibaClient(t, agent, await addPaymentAgent(t, agent)).ask;
    const registered = await register(t, {
      client_name: SELF_REGISTERED.name,
      redirect_uris: [SELF_REGISTERED.redirectUri],
      token_endpoint_auth_method: 'none',
    }).expect(201);
    selfRegistered = (registered.body as { client_id: string }).client_id;
  });

  /** An /authorize request of a client's, for a code with PKCE. */
  function authorizeUrl(clientId: string, redirectUri: string, scope: string): string {
    const url = new URL('/authorize', t.issuer);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope,
      state: randomBytes(8).toString('hex'),
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  }
  afterAll(() => browser?.close());

  /** A browser of its own in `locale`; `found` collects axe's findings and the page's errors. */
  async function openPage(locale: string) {
    const context: BrowserContext = await browser.newContext({ locale });
    const page = await context.newPage();
    // Script errors and 5xx answers; the refusals the flows ask for (a wrong code) are 4xx.
    const found = watchPageProblems(page, (response) => response.status() >= 500);
    const check = async (what: string) =>
      found.push(...(await accessibilityViolations(page, what)));
    return { context, page, found, check };
  }

  it.each(SUPPORTED_LOCALES)('every page a person signs in through, in %s', async (language) => {
    const { context, page, found, check } = await openPage(language);
    try {
      await page.goto(`${t.issuer}/login`);
      expect(await page.getAttribute('html', 'lang')).toBe(language);
      await check('login');

      await page.fill('#username', 'user0');
      await page.fill('#password', 'not the password');
      await submit(page, '#login-form button[type="submit"]');
      await check('login, the password refused');
      await page.goto(`${t.issuer}/login?upstream_error=provider_unavailable`);
      await page.waitForSelector('#upstream-github-login');
      await check('login, an upstream provider’s sign-in refused');

      // The email form: the code page it posts to, then that page with a wrong code refused.
      const email = `a11y-${language}@example.com`;
      await page.fill('#email', email);
      await submit(page, '#email-login button[type="submit"]');
      await check('email: the code page');
      await page.fill('input[name="code"]', '00000000');
      await submit(page, 'form button[type="submit"]');
      await check('email: a wrong code');
      const { link } = await mailTo(t, deliveredTo(email));
      await page.goto(link);
      await check('email: the link page');
      // The link with another token of its form (mistyped, or its code spent): its page, whose
      // form the service then refuses.
      const token = new URL(link).searchParams.get('token') ?? '';
      const other = `${token.startsWith('A') ? 'B' : 'A'}${token.slice(1)}`;
      await page.goto(`${t.issuer}/login/email/link?token=${other}`);
      await submit(page, '#email-link button[type="submit"]');
      await page.waitForSelector('[role="alert"]');
      await check('email: the link refused');

      await page.goto(`${t.issuer}/login?return_to=%2Faccount`);
      await page.fill('#username', 'user0');
      await page.fill('#password', 'password0');
      await submit(page, '#login-form button[type="submit"]');
      expect(new URL(page.url()).pathname).toBe('/account');
      await check('account');

      // An identity wallet linked: the request's link and QR code, the page the wallet's redirect
      // opens, and that page again once its code is spent.
      await page.click('#link-oid4vp');
      const walletLink = await page.waitForSelector('#oid4vp-link');
      await page.waitForSelector('#oid4vp-qr');
      await check('account: an identity wallet asked');
      const holder = await newHolder();
      const answered = await answer(
        (await walletLink.getAttribute('href')) ?? '',
        holder,
        await issueCredential({ holder }),
      );
      const completed = (answered.body as { redirect_uri: string }).redirect_uri;
      await page.goto(completed);
      await page.waitForSelector('#link-oid4vp-confirm');
      await check('identity wallet: the link page');
      await submit(page, '#link-oid4vp-confirm');
      expect(new URL(page.url()).pathname).toBe('/account');
      await page.goto(completed);
      await page.waitForSelector('#link-oid4vp-error');
      await check('identity wallet: the link page refused');

      await ask({ scope: 'openid', login_hint: 'user0', binding_message: `A11Y ${language}` });
      await ask({
        scope: 'openid',
        login_hint: 'user0',
        binding_message: `A11Y pays ${language}`,
        authorization_details: JSON.stringify([PAY_12]),
      });
      await page.goto(`${t.issuer}/account/approvals`);
      await page.waitForSelector('.approval-details');
      await check('account: pending approvals, one with authorization details');

      const device = await t
        .http()
        .post('/device_authorization')
        .type('form')
        .send({ client_id: TV.id, scope: 'openid' })
        .expect(200);
      await page.goto(
        (device.body as { verification_uri_complete: string }).verification_uri_complete,
      );
      await check('device: the code');
      await submit(page, 'button[value="lookup"]');
      await check('device: the request');
      await submit(page, 'button[value="approve"]');
      await check('device: done');

      await page.goto(authorizeUrl(PARTNER.id, PARTNER.redirectUri, 'openid profile'));
      await page.waitForSelector('button[value="allow"]');
      await check('consent');

      await page.goto(authorizeUrl(selfRegistered, SELF_REGISTERED.redirectUri, 'openid profile'));
      await page.waitForSelector('button[value="deny"]');
      await check('consent: a self-registered client');
      await submit(page, 'button[value="deny"]');
      await page.waitForSelector('#consent-denied');
      await check('consent: a self-registered client denied');

      await page.goto(`${t.issuer}/authorize?response_type=code&client_id=nobody`);
      await check('authorize: the error page');
      await page.goto(authorizeUrl(selfRegistered, SELF_REGISTERED.redirectUri, 'no-such-scope'));
      await page.waitForSelector('#back-to-client');
      await check('authorize: a self-registered client’s error, linked back');

      await page.goto(`${t.issuer}/end_session?id_token_hint=not-a-token`);
      await check('logout: the error page');
      await page.goto(`${t.issuer}/end_session`);
      await check('logout: the question');
      await submit(page, 'button[value="stay"]');
      await page.waitForSelector('#still-signed-in');
      await check('logout: still signed in');
      await page.goto(`${t.issuer}/end_session`);
      await submit(page, 'button[value="sign_out"]');
      await check('logout: signed out');

      await page.goto(`${t.issuer}/login?return_to=%2Faccount`);
      await page.fill('#username', 'user0');
      await page.fill('#password', 'password0');
      await submit(page, '#login-form button[type="submit"]');
      await submit(page, '#sign-out-everywhere button[type="submit"]');
      await page.waitForSelector('#signed-out-everywhere');
      await check('account: signed out everywhere');
    } finally {
      await context.close();
    }
    expect(found).toEqual([]);
  });

  // SC 1.4.11: the edge is all that shows a white field on a white card; axe does not check it.
  it('a text field’s edge stands 3:1 against the field and the card around it', async () => {
    const { context, page, found } = await openPage('en');
    try {
      await page.goto(`${t.issuer}/login`);
      const fields = await page.evaluate<[string, string, string, string][]>(
        `[...document.querySelectorAll('input[type=text], input[type=password], input[type=email]')]
          .map((field) => [field.id, getComputedStyle(field).borderTopColor,
            getComputedStyle(field).backgroundColor,
            getComputedStyle(field.closest('.card')).backgroundColor])`,
      );
      expect(fields.map(([id]) => id)).toEqual(['username', 'password', 'email']);
      const ratios = fields.map(([id, edge, field, card]) => ({
        id,
        field: contrast(edge, field),
        card: contrast(edge, card),
      }));
      expect(ratios.filter((ratio) => ratio.field < 3 || ratio.card < 3)).toEqual([]);
    } finally {
      await context.close();
    }
    expect(found).toEqual([]);
  });

  it('the pages written in English only', async () => {
    const { context, page, found, check } = await openPage('en');
    try {
      for (const path of ['/', '/challenge-models', '/demo/wallet', '/lab', '/admin']) {
        await page.goto(`${t.issuer}${path}`);
        await check(path);
      }
      // The dev mailbox with a mail in it (the list, not its empty state).
      await page.goto(`${t.issuer}/login`);
      await page.fill('#email', 'a11y-mailbox@example.com');
      await submit(page, '#email-login button[type="submit"]');
      await mailTo(t, 'a11y-mailbox@example.com');
      await page.goto(`${t.issuer}/dev/mailbox`);
      await check('/dev/mailbox');
    } finally {
      await context.close();
    }
    expect(found).toEqual([]);
  });
});
