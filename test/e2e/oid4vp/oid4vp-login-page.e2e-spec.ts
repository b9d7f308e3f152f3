/**
 * "Sign in with your identity wallet" on the login page, at the HTTP level: the page offers the
 * button (and its script) only where an issuer is trusted; the button's request (the page's CSRF
 * token and cookies) carries the QR code; the independent holder answers cross-device, and the
 * page's poll signs the browser in and sends it to return_to, where /authorize issues a code.
 * A poll by a browser without the page's cookies is a 404 in the one envelope.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { type ListeningApp, createTestApp, startListeningApp } from '../../support/test-app';
import { csrfOf } from '../../support/login-form';
import { loginPageRequest } from '../../support/identity-wallet-request';
import {
  type Agent,
  DEMO_CLIENT,
  authorizePath,
  exchangeCode,
  pkcePair,
} from '../../support/oauth';
import { type Holder, answer, issueCredential, newHolder } from '../../support/identity-wallet';
import { signInByEmail } from '../../support/email';
import { emailMethodKey } from '../../../src/accounts/account';
import { AccountService } from '../../../src/accounts/account.service';
import { scriptTag } from '../../../src/platform/http/html';

const FAST = {
  RATE_LIMIT_OID4VP_PER_IP: '10000',
  ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000',
  MAIL_POLL_INTERVAL_MS: '50',
};
const BUTTON =
  '<button type="button" id="oid4vp-login" class="secondary" hidden>Sign in with your identity wallet</button>';
const SCRIPT = scriptTag('/static/identity-wallet-login.js');

/** The account page's "Set a password" form, posted with the page's CSRF token. */
function setPassword(agent: Agent, page: string, username: string): request.Test {
  return agent
    .post('/account/password')
    .type('form')
    .send({ csrf_token: csrfOf(page), username, password: 'a long enough password' });
}

/** The wallet's redirect opened in the browser that showed the request: its account page. */
async function signedInOnThisDevice(
  started: Awaited<ReturnType<typeof loginPageRequest>>,
  holder: Holder,
  credential: string,
): Promise<string> {
  const back = await answer(started.authorizationRequest, holder, credential);
  const redirectUri = new URL(back.body.redirect_uri as string);
  await started.agent.get(redirectUri.pathname + redirectUri.search).expect(303);
  return (await started.agent.get('/account').expect(200)).text;
}

describe('the login page’s identity wallet button', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(FAST, 'localhost');
  });
  afterAll(() => listening.t.close());

  it('offers the button and serves its script', async () => {
    const page = await request(listening.t.app.getHttpServer()).get('/login').expect(200);
    expect(page.text).toContain(BUTTON);
    expect(page.text).toContain(SCRIPT);
    const script = await request(listening.t.app.getHttpServer())
      .get('/static/identity-wallet-login.js')
      .expect(200);
    expect(script.text).toContain("postJson('/oid4vp/requests'");
  });

  it('the button’s request, answered cross-device, signs the polling page in and lands on return_to', async () => {
    const agent = request.agent(listening.t.app.getHttpServer());
    const { verifier, challenge } = pkcePair();
    const toLogin = await agent
      .get(
        authorizePath({
          client_id: DEMO_CLIENT.id,
          redirect_uri: DEMO_CLIENT.redirectUri,
          response_type: 'code',
          scope: 'openid identity',
          state: 'page-state',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(302);
    const loginUrl = new URL(toLogin.headers.location, listening.issuer);
    const page = await agent.get(loginUrl.pathname + loginUrl.search).expect(200);
    expect(page.text).toContain(BUTTON);
    const returnTo = loginUrl.searchParams.get('return_to')!;

    // Without the page's CSRF token: refused before anything is issued.
    await agent.post('/oid4vp/requests').send({ return_to: returnTo }).expect(400);
    const created = await agent
      .post('/oid4vp/requests')
      .send({ csrf_token: csrfOf(page.text), return_to: returnTo })
      .expect(201);
    const { id, authorization_request, qr_code } = created.body as Record<string, string>;
    expect(qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(qr_code.slice(qr_code.indexOf(',') + 1), 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|on\w+=/i);

    expect((await agent.get(`/oid4vp/requests/${id}`).expect(200)).body).toEqual({
      status: 'pending',
    });
    const holder = await newHolder();
    const answered = await answer(authorization_request, holder, await issueCredential({ holder }));
    expect(answered.status).toBe(200);
    // The login page's request, answered: the wallet may send the browser back (same device).
    expect(answered.body.redirect_uri).toEqual(expect.stringContaining('/oid4vp/complete?'));

    const polled = await agent.get(`/oid4vp/requests/${id}`).expect(200);
    expect(polled.body).toEqual({ status: 'signed_in', redirect: returnTo });
    const authorized = await agent.get(polled.body.redirect as string).expect(302);
    const callback = new URL(authorized.headers.location);
    expect(callback.searchParams.get('state')).toBe('page-state');
    const tokens = await exchangeCode(
      listening.t.app.getHttpServer(),
      callback.searchParams.get('code')!,
      verifier,
    ).expect(200);
    const idToken = decodeJwt(tokens.body.id_token as string);
    expect(idToken.amr).toEqual(['pop']);
    expect(idToken.given_name).toBe('Alice');
  });

  it('a session signed in cross-device changes no sign-in method of the account; one signed in on this device may', async () => {
    const server = listening.t.app.getHttpServer();
    // A relayed QR code: the page's browser (whoever showed the code) polls and is signed in.
    const { agent: polling, id, authorizationRequest } = await loginPageRequest(server);
    const holder = await newHolder();
    const credential = await issueCredential({ holder });
    const answered = await answer(authorizationRequest, holder, credential);
    expect(answered.status).toBe(200);
    expect((await polling.get(`/oid4vp/requests/${id}`).expect(200)).body.status).toBe('signed_in');

    const page = await polling.get('/account').expect(200);
    expect(page.text).toContain('id="this-device-needed"');
    expect(page.text).not.toContain('action="/account/password"');
    const csrf = csrfOf(page.text);
    const refusal =
      'This session was signed in by a wallet on another device: changing the account’s sign-in methods needs a sign-in on this device; sign in again here';
    // The form: the page again, with why, and no password set.
    const form = await setPassword(polling, page.text, `xdev${Date.now()}`).expect(401);
    expect(form.text).toContain(refusal);
    // The page's scripts' calls: the one envelope.
    for (const path of ['/account/passkeys/options', '/account/oid4vp/requests']) {
      const refused = await polling.post(path).send({ csrf_token: csrf }).expect(401);
      expect(refused.body).toEqual({
        error: 'insufficient_user_authentication',
        error_description: refusal,
      });
    }
    expect((await polling.get('/account').expect(200)).text).not.toContain('password:xdev');

    // The same credential on this device (the wallet's redirect back to this browser): it may.
    const sameDevice = await loginPageRequest(server);
    const own = await signedInOnThisDevice(sameDevice, holder, credential);
    expect(own).not.toContain('id="this-device-needed"');
    await setPassword(sameDevice.agent, own, `same${Date.now()}`).expect(303);
  });

  it('a relayed QR code’s session lends no factor: an emailed code signed in beside it is email alone', async () => {
    const { t } = listening;
    const holder = await newHolder();
    const credential = await issueCredential({ holder });
    // The person's account, made by their credential on their own device, with an address.
    const ownPage = await signedInOnThisDevice(
      await loginPageRequest(t.app.getHttpServer()),
      holder,
      credential,
    );
    const sub = /<strong id="account-sub">([^<]+)<\/strong>/.exec(ownPage)![1];
    const email = `relayed-${Date.now()}@example.test`;
    await t.app
      .get(AccountService)
      .link(sub, emailMethodKey(email), { callerAddress: '127.0.0.1' });

    // A phishing page relays the QR code (its browser polls), then the code mailed to the person.
    const relay = await loginPageRequest(t.app.getHttpServer());
    expect((await answer(relay.authorizationRequest, holder, credential)).status).toBe(200);
    await relay.agent.get(`/oid4vp/requests/${relay.id}`).expect(200);
    await signInByEmail(t, relay.agent, email);
    const page = await relay.agent.get('/account').expect(200);
    expect(page.text).toContain(`<strong id="account-sub">${sub}</strong>`);
    // Email alone, as if the relayed session were not there: no change of the account.
    expect(page.text).toContain('id="stronger-needed"');
    await setPassword(relay.agent, page.text, `relay${Date.now()}`).expect(401);
  });

  it('discovery names the claims an identity credential gives (scopes identity and age)', async () => {
    const discovery = await request(listening.t.app.getHttpServer())
      .get('/.well-known/openid-configuration')
      .expect(200);
    expect(discovery.body.claims_supported).toEqual(
      expect.arrayContaining(['given_name', 'family_name', 'birthdate', 'age_over_18']),
    );
    expect(discovery.body.scopes_supported).toEqual(expect.arrayContaining(['identity', 'age']));
  });

  it('a poll without the page’s cookies is 404 not_found, as an unknown request', async () => {
    const { agent, id } = await loginPageRequest(listening.t.app.getHttpServer());
    const http = request(listening.t.app.getHttpServer());
    const foreign = await http.get(`/oid4vp/requests/${id}`).expect(404);
    const unknown = await agent.get(`/oid4vp/requests/${'x'.repeat(43)}`).expect(404);
    for (const answered of [foreign, unknown]) {
      expect(answered.body).toEqual({
        error: 'not_found',
        error_description: 'No such presentation request (unknown, expired or already completed)',
      });
    }
  });
});

describe('the login page without a trusted issuer', () => {
  it('offers no identity wallet button', async () => {
    const t = await createTestApp({ OID4VP_TRUSTED_ISSUERS: '[]' });
    try {
      const page = await request(t.app.getHttpServer()).get('/login').expect(200);
      expect(page.text).not.toContain('oid4vp-login');
      expect(page.text).not.toContain('identity-wallet-login.js');
      expect(page.text).toContain('id="passkey-login"');
    } finally {
      await t.close();
    }
  });
});
