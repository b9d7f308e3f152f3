/**
 * Linking an identity credential (OpenID4VP) to a signed-in account from the account page: the
 * page's CSRF token and a recent login, as every other method; the independent holder answers
 * the request, the credential is linked (the account page lists it by issuer and type, never by
 * its claims) and signs in to that account from then on. A stale login is refused with
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
    const polled = await browser.get(`/oid4vp/requests/${created.body.id}`).expect(200);
    expect(polled.body).toEqual({ status: 'linked', redirect: '/account' });

    const page = await browser.get('/account').expect(200);
    const row = /<tr data-method-type="credential">.*<\/tr>/.exec(page.text)?.[0] ?? '';
    expect(row).toContain(`issued by <code>${DEMO_ISSUER}</code> as <code>urn:eudi:pid:1</code>`);
    // The credential's claims are the relying parties' (scopes identity, age), not the page's.
    expect(page.text).not.toContain('Alice');
    // Still signed in as user0 (a link signs nobody in), and the credential now signs in as user0.
    expect(page.text).toContain('<strong id="account-sub">user0</strong>');
    await expect(signInWith(holder, credential)).resolves.toBe('user0');
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
    const holder = await newHolder();
    const credential = await issueCredential({
      holder,
      claims: { given_name: 'Bob', family_name: 'Other', birthdate: '1980-01-01' },
    });
    const owner = await signInWith(holder, credential);
    expect(owner).toMatch(/^account:/);
    const { browser, csrf } = await accountPage();
    const created = await browser
      .post('/account/oid4vp/requests')
      .send({ csrf_token: csrf })
      .expect(201);
    const answered = await answer(created.body.authorization_request, holder, credential);
    expect(answered.status).toBe(409);
    expect(answered.body.error).toBe('method_already_linked');
    expect((await browser.get(`/oid4vp/requests/${created.body.id}`).expect(200)).body).toEqual({
      status: 'refused',
    });
    await expect(signInWith(holder, credential)).resolves.toBe(owner);
  });
});
