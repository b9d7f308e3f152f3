/**
 * Linking an identity credential (OpenID4VP) to a signed-in account from the account page: the
 * page's CSRF token and a recent login, as every other method; the independent holder answers
 * the request, and the browser the wallet's redirect opens links the credential if it is signed
 * in to that account (the account page lists it by issuer and type, never by its claims); it
 * signs in to that account from then on. A relayed QR code (a phisher's own account page's,
 * answered by someone else's wallet) links nothing. A stale login is refused with
 * insufficient_user_authentication before any request is made; a credential that already signs
 * in another account is refused, and the page's poll says so.
 */
import request from 'supertest';
import { type ListeningApp, startListeningApp } from '../../support/test-app';
import { login, type Agent } from '../../support/oauth';
import {
  DEMO_ISSUER,
  type Holder,
  answer,
  issueCredential,
  newHolder,
} from '../../support/identity-wallet';
import { loginPageRequest } from '../../support/identity-wallet-request';
import { escapeHtml } from '../../../src/platform/http/html';
import {
  type MessageId,
  PageLocale,
  type SupportedLocale,
} from '../../../src/platform/i18n/page-locale';

const FAST = {
  RATE_LIMIT_OID4VP_PER_IP: '10000',
  RATE_LIMIT_LOGIN_PER_IP: '10000',
  ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000',
};

describe('linking an identity credential on the account page', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(FAST, 'localhost');
  });
  afterAll(() => listening.t.close());

  const agent = () => request.agent(listening.t.app.getHttpServer());

  /** A browser signed in with user0's password, on its account page: its CSRF token. */
  async function accountPage(): Promise<{ browser: Agent; csrf: string }> {
    const browser = agent();
    await login(browser, '/account', 'user0', 'password0');
    const page = await browser.get('/account').expect(200);
    expect(page.text).toContain('id="link-oid4vp"');
    return { browser, csrf: /data-csrf-token="([^"]+)"/.exec(page.text)![1] };
  }

  /** A new holder with a credential naming `given_name` (each test its own person). */
  async function personalWallet(
    givenName: string,
  ): Promise<{ holder: Holder; credential: string }> {
    const holder = await newHolder();
    const claims = { given_name: givenName, family_name: 'Linking', birthdate: '1970-01-01' };
    return { holder, credential: await issueCredential({ holder, claims }) };
  }

  /** A request of the account page, and the holder's credential answering it: the redirect. */
  async function linkRequestAnswered(
    browser: Agent,
    csrf: string,
    { holder, credential }: { holder: Holder; credential: string },
  ): Promise<{ id: string; completePath: string }> {
    const created = await browser
      .post('/account/oid4vp/requests')
      .send({ csrf_token: csrf })
      .expect(201);
    // The key-binding JWT made now by the server's clock (which a test may have moved).
    const iat = listening.t.clock.nowSeconds();
    const answered = await answer(created.body.authorization_request, holder, credential, { iat });
    expect(answered.status).toBe(200);
    const redirect = new URL(answered.body.redirect_uri as string);
    expect(redirect.pathname).toBe('/account/oid4vp/complete');
    return { id: created.body.id, completePath: `${redirect.pathname}${redirect.search}` };
  }

  /**
   * The wallet's redirect opened in `browser`: the page showing the credential, and its form
   * posted (its CSRF token): where it ends.
   */
  async function confirmLink(browser: Agent, completePath: string): Promise<string> {
    const page = await browser.get(completePath).set('Accept', 'text/html').expect(200);
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)![1];
    const posted = await browser
      .post('/account/oid4vp/complete')
      .type('form')
      .send({ csrf_token: field('csrf_token'), response_code: field('response_code') })
      .expect(303);
    return posted.headers.location;
  }

  /** user0's account page asks, and a new person named `givenName` answers with their wallet. */
  async function answeredLink(givenName: string) {
    const { browser, csrf } = await accountPage();
    const wallet = await personalWallet(givenName);
    return { browser, wallet, ...(await linkRequestAnswered(browser, csrf, wallet)) };
  }

  /** Another browser, signed in with a password. */
  async function signedIn(user: string, password: string): Promise<Agent> {
    const browser = agent();
    await login(browser, '/account', user, password);
    return browser;
  }

  /** The wallet's redirect opened as a person's browser in `language` opens it (HTML). */
  const openIn = (browser: Agent, completePath: string, language: string) =>
    browser.get(completePath).set('Accept', 'text/html').set('Accept-Language', language);

  /** The refusal page's alert, as a browser in `language` reads it. */
  const refusalIn = (language: SupportedLocale, id: MessageId) =>
    `<p id="link-oid4vp-error" role="alert">${escapeHtml(PageLocale.of(language).t(id))}</p>`;

  const poll = async (browser: Agent, id: string) =>
    (await browser.get(`/oid4vp/requests/${id}`).expect(200)).body as Record<string, unknown>;

  /** The credential signs in from a fresh browser's login page (cross-device): whom. */
  async function signInWith(holder: Holder, credential: string): Promise<string> {
    const {
      agent: browser,
      id,
      authorizationRequest,
    } = await loginPageRequest(listening.t.app.getHttpServer());
    expect((await answer(authorizationRequest, holder, credential)).status).toBe(200);
    await browser.get(`/oid4vp/requests/${id}`).expect(200);
    const signedIn = await browser.get('/login').expect(200);
    return /Signed in as <strong>([^<]+)<\/strong>/.exec(signedIn.text)![1];
  }

  it('links with a recent login: listed by issuer and vct, and signs in to that account', async () => {
    const { browser, csrf } = await accountPage();
    // Without the page's CSRF token: refused, nothing issued.
    await browser.post('/account/oid4vp/requests').send({}).expect(400);
    const created = await browser
      .post('/account/oid4vp/requests')
      .send({ csrf_token: csrf })
      .expect(201);
    expect(created.body.qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    expect((await browser.get(`/oid4vp/requests/${created.body.id}`).expect(200)).body).toEqual({
      status: 'pending',
    });
    const holder = await newHolder();
    const credential = await issueCredential({ holder });
    const answered = await answer(created.body.authorization_request, holder, credential);
    expect(answered.status).toBe(200);
    // The wallet's answer links nothing by itself: its redirect does, in this browser.
    expect(await poll(browser, created.body.id)).toEqual({ status: 'presented' });
    const redirect = new URL(answered.body.redirect_uri as string);
    const completePath = `${redirect.pathname}${redirect.search}`;
    // Opening it links nothing: it shows the credential, to be confirmed.
    const shown = await browser.get(completePath).expect(200);
    expect(shown.text).toContain('<dt>Name</dt><dd>Alice Example</dd>');
    expect(shown.text).toContain('<strong id="link-account">user0</strong>');
    expect(await poll(browser, created.body.id)).toEqual({ status: 'presented' });
    expect(await confirmLink(browser, completePath)).toBe('/account');
    expect(await poll(browser, created.body.id)).toEqual({
      status: 'linked',
      redirect: '/account',
    });
    // The code is spent: a script is told so, a person (the page reloaded) in their language.
    const again = await browser.get(completePath).expect(400);
    expect(again.body).toEqual({
      error: 'invalid_request',
      error_description: 'Unknown, expired or used response_code',
    });
    const reloaded = await openIn(browser, completePath, 'fr').expect(400);
    expect(reloaded.text).toContain(refusalIn('fr', 'wallet_link.refused.used'));

    const page = await browser.get('/account').expect(200);
    const row = /<tr data-method-type="credential">.*<\/tr>/.exec(page.text)?.[0] ?? '';
    expect(row).toContain(`issued by <code>${DEMO_ISSUER}</code> as <code>urn:eudi:pid:1</code>`);
    // The credential's claims are the relying parties' (scopes identity, age), not the page's.
    expect(page.text).not.toContain('Alice');
    // Still signed in as user0 (a link signs nobody in), and the credential now signs in as user0.
    expect(page.text).toContain('<strong id="account-sub">user0</strong>');
    await expect(signInWith(holder, credential)).resolves.toBe('user0');
  });

  it('links a credential without a name: the page shows its issuer and type, and no name', async () => {
    const { browser, csrf } = await accountPage();
    const holder = await newHolder();
    const claims = { personal_administrative_number: `FAKE-PAN-${Date.now()}` };
    const wallet = { holder, credential: await issueCredential({ holder, claims }) };
    const { id, completePath } = await linkRequestAnswered(browser, csrf, wallet);
    const shown = await browser.get(completePath).expect(200);
    expect(shown.text).toContain(`<dt>Issued by</dt><dd>${DEMO_ISSUER}</dd>`);
    expect(shown.text).not.toContain('<dt>Name</dt>');
    expect(await confirmLink(browser, completePath)).toBe('/account');
    expect(await poll(browser, id)).toEqual({ status: 'linked', redirect: '/account' });
    await expect(signInWith(holder, wallet.credential)).resolves.toBe('user0');
  });

  it('links nothing for a relayed QR code: the browser the wallet opens is not signed in to the account', async () => {
    // The phisher's own account page shows its QR code on a page of theirs; another person's
    // wallet answers it, and the wallet opens its redirect in that person's browser.
    const { browser: phisher, wallet, id, completePath } = await answeredLink('Vic');
    expect(await poll(phisher, id)).toEqual({ status: 'presented' });
    const refused = await openIn(agent(), completePath, 'de-DE,de;q=0.9').expect(400);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.text).toContain('<html lang="de"');
    expect(refused.text).toContain(
      'Nichts wurde verknüpft: Dieser Browser ist nicht an dem Konto angemeldet, das angefragt hat.',
    );
    // The phisher learns only that it was refused; the credential still signs in its own account.
    expect(await poll(phisher, id)).toEqual({ status: 'refused' });
    const owner = await signInWith(wallet.holder, wallet.credential);
    expect(owner).not.toBe('user0');
    expect(owner).toMatch(/^account:/);
  });

  it('links nothing in a browser signed in to another account (the person’s own)', async () => {
    const { browser: phisher, id, completePath } = await answeredLink('Other');
    const someoneElse = await signedIn('user1', 'password1');
    const refused = await someoneElse.get(completePath).expect(400);
    expect(refused.body).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^Not linked: this browser is not signed in/),
    });
    expect(await poll(phisher, id)).toEqual({ status: 'refused' });
  });

  it('links in another browser signed in to the same account (a phone beside the desktop)', async () => {
    const { browser: desktop, wallet, id, completePath } = await answeredLink('Desk');
    const phone = await signedIn('user0', 'password0');
    expect(await confirmLink(phone, completePath)).toBe('/account');
    expect(await poll(desktop, id)).toEqual({ status: 'linked', redirect: '/account' });
    await expect(signInWith(wallet.holder, wallet.credential)).resolves.toBe('user0');
  });

  it('links nothing when another site sends the account’s browser to a code its maker answered', async () => {
    // Someone who saw the page's QR code answers it with their own credential, then sends the
    // signed-in browser to the redirect: a page to confirm, and no link without its form.
    const { browser, wallet: theirs, id, completePath } = await answeredLink('Mallory');
    const shown = await browser.get(completePath).set('Sec-Fetch-Site', 'cross-site').expect(200);
    expect(shown.text).toContain('<dt>Name</dt><dd>Mallory Linking</dd>');
    expect(await poll(browser, id)).toEqual({ status: 'presented' });
    const code = new URL(completePath, 'http://x').searchParams.get('response_code')!;
    const unconfirmed = await browser
      .post('/account/oid4vp/complete')
      .type('form')
      .set('Accept', 'text/html')
      .send({ response_code: code })
      .expect(400);
    expect(unconfirmed.text).toContain(refusalIn('en', 'wallet_link.refused.form'));
    expect(await poll(browser, id)).toEqual({ status: 'presented' });
    const owner = await signInWith(theirs.holder, theirs.credential);
    expect(owner).not.toBe('user0');
  });

  it('links nothing when the login went stale between the request and the wallet’s redirect', async () => {
    const { browser, csrf } = await accountPage();
    const wallet = await personalWallet('Slow');
    // Asked 500 s after the login (recent), answered, and redirected 101 s later: 601 s after it.
    let moved = 0;
    const advance = (seconds: number) => {
      listening.t.clock.advance(seconds);
      moved += seconds;
    };
    try {
      advance(500);
      const { id, completePath } = await linkRequestAnswered(browser, csrf, wallet);
      advance(101);
      // The person reads why, in their language (Spanish here); a script gets the envelope's
      // insufficient_user_authentication, as every change with a stale login does.
      const stale = await openIn(browser, completePath, 'es').expect(401);
      expect(stale.text).toContain(refusalIn('es', 'wallet_link.refused.stale_login'));
      expect(await poll(browser, id)).toEqual({ status: 'refused' });
    } finally {
      listening.t.clock.advance(-moved);
    }
  });

  it('refuses with a stale login (insufficient_user_authentication), before any request', async () => {
    const { browser, csrf } = await accountPage();
    listening.t.clock.advance(601);
    try {
      const stale = await browser
        .post('/account/oid4vp/requests')
        .send({ csrf_token: csrf })
        .expect(401);
      expect(stale.body).toEqual({
        error: 'insufficient_user_authentication',
        error_description:
          'Changing the account needs a login at most 600 seconds old; sign in again',
      });
    } finally {
      listening.t.clock.advance(-601);
    }
  });

  it('refuses a credential that signs in another account: the wallet is told, the poll says refused', async () => {
    const wallet = await personalWallet('Bob');
    const owner = await signInWith(wallet.holder, wallet.credential);
    expect(owner).toMatch(/^account:/);
    const { browser, csrf } = await accountPage();
    const created = await browser
      .post('/account/oid4vp/requests')
      .send({ csrf_token: csrf })
      .expect(201);
    const answered = await answer(
      created.body.authorization_request,
      wallet.holder,
      wallet.credential,
    );
    expect(answered.status).toBe(409);
    expect(answered.body.error).toBe('method_already_linked');
    expect((await browser.get(`/oid4vp/requests/${created.body.id}`).expect(200)).body).toEqual({
      status: 'refused',
    });
    await expect(signInWith(wallet.holder, wallet.credential)).resolves.toBe(owner);
  });
});
