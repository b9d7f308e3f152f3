/**
 * RFC 9700 §4.11.2, the authorization server as open redirector: anyone can register a client
 * (POST /register) whose redirect URI is a phishing site, then send a request that fails on
 * purpose (a bad scope, prompt=none) or that the user declines, to be sent there from the
 * issuer's own origin. For a client that registered itself, an /authorize error and a consent
 * Deny are a page with the error response as a link; a client the operator registered keeps the
 * automatic redirect (RFC 6749 §4.1.2.1), and so does one registered with the operator's initial
 * access token (RFC 7591 §3).
 */
import request from 'supertest';
import {
  type Agent,
  type AuthorizeParams,
  PARTNER,
  authorizePath,
  clientEntry,
  login,
  pkcePair,
} from '../../support/oauth';
import { register } from '../../support/registration';
import { consentForm } from '../../support/fetch-browser';
import { useTestApp } from '../../support/use-test-app';

const PHISH = 'https://phish.example/cb';
const INITIAL_ACCESS_TOKEN = 'initial-access-token-of-the-self-registered-redirects-spec';
const VOUCHED = 'https://partner-app.example/cb';

describe('self-registered clients: errors and Deny are links, not redirects (RFC 9700 §4.11.2)', () => {
  let signedIn: Agent;
  let phishing: string;
  const { challenge } = pkcePair();

  const t = useTestApp({
    OAUTH_CLIENTS: JSON.stringify([clientEntry(PARTNER)]),
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
  });
  beforeAll(async () => {
    const registered = await register(t, {
      client_name: 'Totally Legit',
      redirect_uris: [PHISH],
      token_endpoint_auth_method: 'none',
    }).expect(201);
    phishing = (registered.body as { client_id: string }).client_id;
    signedIn = request.agent(t.app.getHttpServer());
    await login(signedIn);
  });

  const params = (clientId: string, redirectUri: string, extra: Partial<AuthorizeParams> = {}) =>
    authorizePath({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      state: 'st-x',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });

  /** The error response the page links to, as the redirect would have carried it. */
  function linkedBack(html: string): URL {
    const href = /<a id="back-to-client" href="([^"]+)"/.exec(html)?.[1];
    if (href === undefined) throw new Error('no link back to the client on the page');
    return new URL(href.replace(/&amp;/g, '&'));
  }

  it.each<[string, Partial<AuthorizeParams>, string]>([
    ['a scope it may not have', { scope: 'no-such-scope' }, 'invalid_scope'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
  ])('an error of %s: a 400 page linking back, no Location', async (_what, extra, error) => {
    const browser = extra.prompt === 'none' ? request(t.app.getHttpServer()) : signedIn;
    const res = await browser
      .get(params(phishing, PHISH, extra))
      .set('Accept', 'text/html')
      .expect(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain(`<dd id="error">${error}</dd>`);
    const back = linkedBack(res.text);
    expect(`${back.origin}${back.pathname}`).toBe(PHISH);
    expect(back.searchParams.get('error')).toBe(error);
    expect(back.searchParams.get('state')).toBe('st-x');
    expect(back.searchParams.get('iss')).toBe(t.config.server.issuer);
  });

  it('answers a JSON caller in the error envelope, without a redirect', async () => {
    const res = await signedIn
      .get(params(phishing, PHISH, { scope: 'no-such-scope' }))
      .set('Accept', 'application/json')
      .expect(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('a client the operator registered keeps the automatic redirect', async () => {
    const res = await signedIn
      .get(params(PARTNER.id, PARTNER.redirectUri, { scope: 'no-such-scope' }))
      .expect(302);
    const back = new URL(res.headers.location);
    expect(`${back.origin}${back.pathname}`).toBe(PARTNER.redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_scope');
  });

  it('Deny on its consent screen: a page linking back, not a redirect to its site', async () => {
    const screen = await signedIn.get(params(phishing, PHISH, { scope: 'profile' })).expect(200);
    expect(screen.text).toContain('Totally Legit');
    const denied = await signedIn
      .post('/consent')
      .type('form')
      .send({ ...consentForm(screen.text), decision: 'deny' })
      .expect(200);
    expect(denied.headers.location).toBeUndefined();
    expect(denied.text).toContain('id="consent-denied"');
    const back = linkedBack(denied.text);
    expect(`${back.origin}${back.pathname}`).toBe(PHISH);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied the request',
      state: 'st-x',
      iss: t.config.server.issuer,
    });
  });

  it('Deny from the login page, signed out: the same page', async () => {
    const browser = request.agent(t.app.getHttpServer());
    const toLogin = await browser.get(params(phishing, PHISH)).expect(302);
    const loginPath = String(toLogin.headers.location);
    const page = await browser.get(loginPath).expect(200);
    const returnTo = new URL(loginPath, 'http://x').searchParams.get('return_to')!;
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const denied = await browser
      .post('/consent')
      .type('form')
      .send({ csrf_token: csrf, return_to: returnTo, decision: 'deny' })
      .expect(200);
    expect(linkedBack(denied.text).searchParams.get('error')).toBe('access_denied');
  });

  describe('a client registered with the initial access token: redirected, as an operator client is', () => {
    const vouched = { public: '', confidential: '' };
    beforeAll(async () => {
      for (const kind of ['public', 'confidential'] as const) {
        const res = await register(
          t,
          {
            client_name: 'Partner app',
            redirect_uris: [VOUCHED],
            token_endpoint_auth_method: kind === 'public' ? 'none' : 'client_secret_basic',
          },
          INITIAL_ACCESS_TOKEN,
        ).expect(201);
        vouched[kind] = (res.body as { client_id: string }).client_id;
      }
    });

    it.each(['public', 'confidential'] as const)(
      'a %s one: prompt=none without a session redirects with login_required, state and iss',
      async (kind) => {
        const res = await request(t.app.getHttpServer())
          .get(params(vouched[kind], VOUCHED, { prompt: 'none', scope: 'openid', nonce: 'n' }))
          .set('Accept', 'text/html')
          .expect(302);
        const back = new URL(res.headers.location);
        expect(`${back.origin}${back.pathname}`).toBe(VOUCHED);
        expect(back.searchParams.get('error')).toBe('login_required');
        expect(back.searchParams.get('state')).toBe('st-x');
        expect(back.searchParams.get('iss')).toBe(t.config.server.issuer);
      },
    );

    it('Deny on its consent screen redirects with access_denied', async () => {
      const screen = await signedIn
        .get(params(vouched.public, VOUCHED, { scope: 'profile' }))
        .expect(200);
      expect(screen.text).toContain('Partner app');
      const denied = await signedIn
        .post('/consent')
        .type('form')
        .send({ ...consentForm(screen.text), decision: 'deny' })
        .expect(303);
      const back = new URL(denied.headers.location);
      expect(`${back.origin}${back.pathname}`).toBe(VOUCHED);
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('state')).toBe('st-x');
    });
  });
});
