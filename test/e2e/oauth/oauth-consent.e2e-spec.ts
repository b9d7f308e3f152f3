/**
 * The consent screen: a client that is not first-party gets no code until the user has allowed
 * the scopes it asks for. Allow is remembered per user and client (and widened scope asks
 * again), Deny sends the user back with access_denied (RFC 6749 §4.1.2.1, with state and iss),
 * the answer is a CSRF-protected POST, and `proofgate-admin consents revoke` makes it ask again.
 * The login page names the client and the scopes of the request it continues.
 */
import request from 'supertest';
import { CHALLENGE_COLLECTION } from '../../../src/challenges/persistence/challenge.schema';
import { ConsentService } from '../../../src/oauth/consent/consent.service';
import { CONSENT_COLLECTION } from '../../../src/oauth/consent/persistence/consent.schema';
import {
  DEMO_CLIENT,
  authorizePath,
  exchangeCode,
  login,
  pkcePair,
  type Agent,
  PARTNER as THIRD_PARTY,
  clientEntry,
  codeRequestOf,
} from '../../support/oauth';
import { adminCli } from '../../support/admin-cli';
import { consentForm } from '../../support/fetch-browser';
import { useTestApp } from '../../support/use-test-app';

const PARTNER = { ...THIRD_PARTY, name: 'Partner <Analytics>' };
const OWN_APP = { id: 'own-app', redirectUri: 'http://127.0.0.1:7101/callback' };

function partnerRequest(scope: string, state = 'st-consent', challenge = pkcePair().challenge) {
  return authorizePath({
    response_type: 'code',
    client_id: PARTNER.id,
    redirect_uri: PARTNER.redirectUri,
    state,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
}

describe('consent for clients that are not first-party', () => {
  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(PARTNER),
      clientEntry(OWN_APP, { first_party: true }),
    ]),
  });

  async function signedIn(username = 'user0', password = 'password0'): Promise<Agent> {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent, '/', username, password);
    return agent;
  }

  const codesIssued = () =>
    t.connection.collection(CHALLENGE_COLLECTION).countDocuments({ kind: 'authorization_code' });

  const admin = (argv: string[]) => adminCli(t, argv);

  describe('the login page', () => {
    it('names the registered client and the requested scopes of the pending request', async () => {
      const returnTo = partnerRequest('profile openid');
      const page = await t
        .http()
        .get(`/login?return_to=${encodeURIComponent(returnTo)}`)
        .expect(200);
      expect(page.text).toContain(
        '<strong id="pending-client">Partner &lt;Analytics&gt;</strong> <span class="muted">(partner)</span> asks you to sign in, for: <span id="pending-scopes"><code>profile</code> <code>openid</code></span>',
      );
    });

    it('takes no display text from the query: an unknown client names nobody', async () => {
      const forged = `${partnerRequest('profile').replace('client_id=partner', 'client_id=nobody')}&client_name=Your+Bank`;
      const page = await t
        .http()
        .get(`/login?return_to=${encodeURIComponent(forged)}`)
        .expect(200);
      expect(page.text).not.toContain('pending-authorization');
      expect(page.text).not.toContain('Your Bank');
    });

    it('shows no scopes it does not support', async () => {
      const page = await t
        .http()
        .get(`/login?return_to=${encodeURIComponent(partnerRequest('profile admin:all'))}`)
        .expect(200);
      expect(page.text).toContain('asks you to sign in.</p>');
      expect(page.text).not.toContain('admin:all');
    });
  });

  it('first-party clients get a code at once: the demo client and first_party in OAUTH_CLIENTS', async () => {
    const agent = await signedIn('user1', 'password1');
    for (const client of [DEMO_CLIENT, OWN_APP]) {
      const res = await agent
        .get(authorizePath(codeRequestOf(client, { state: 'st-first-party' })))
        .expect(302);
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
      expect(location.searchParams.get('code')).toBeTruthy();
    }
  });

  it('says what openid means, in words, like every scope', async () => {
    const agent = await signedIn();
    const screen = await agent
      .get(partnerRequest('openid profile', 'st-openid', pkcePair().challenge))
      .expect(200);
    expect(screen.text).toContain(
      '<li data-scope="openid">Sign you in with your Proofgate account (it learns who you are and when you signed in) (<code>openid</code>)</li>',
    );
  });

  it('shows the consent screen and issues no code; Allow issues one and is remembered', async () => {
    const agent = await signedIn();
    const { verifier, challenge } = pkcePair();
    const before = await codesIssued();

    const screen = await agent.get(partnerRequest('profile openid', 'st-1', challenge)).expect(200);
    expect(screen.headers['content-type']).toMatch(/^text\/html/);
    expect(screen.headers.location).toBeUndefined();
    // No other site may frame the screen and trick a click on Allow.
    expect(screen.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(screen.text).toContain('<strong id="consent-client">Partner &lt;Analytics&gt;</strong>');
    expect(screen.text).toContain('wants to:');
    expect(screen.text).toContain('<li data-scope="profile">');
    expect(screen.text).toContain('<li data-scope="openid">');
    expect(screen.text).toContain('Signed in as <strong>user0</strong>');
    expect(await codesIssued()).toBe(before);

    const form = consentForm(screen.text);
    expect(form.return_to).toBe(partnerRequest('profile openid', 'st-1', challenge));
    const allowed = await agent
      .post('/consent')
      .type('form')
      .send({ ...form, decision: 'allow' })
      .expect(303);
    expect(allowed.headers.location).toBe(form.return_to);

    const back = await agent.get(allowed.headers.location).expect(302);
    const location = new URL(back.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(PARTNER.redirectUri);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('iss')).toBe(t.config.server.issuer);
    const tokens = await exchangeCode(
      t.app.getHttpServer(),
      location.searchParams.get('code')!,
      verifier,
      PARTNER,
    ).expect(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'profile openid' });

    // One document per user and client, keyed by both.
    const stored = await t.connection
      .collection<{ _id: string }>(CONSENT_COLLECTION)
      .findOne({ _id: 'user0 partner' });
    expect(stored).toMatchObject({ sub: 'user0', clientId: 'partner' });
    expect([...(stored as unknown as { scopes: string[] }).scopes].sort()).toEqual([
      'openid',
      'profile',
    ]);

    // Remembered: the same scope, or less of it, goes straight through.
    for (const scope of ['profile openid', 'openid']) {
      const again = await agent.get(partnerRequest(scope, 'st-2')).expect(302);
      expect(new URL(again.headers.location).searchParams.get('code')).toBeTruthy();
    }

    // A wider scope asks again, for the whole request.
    const wider = await agent.get(partnerRequest('profile openid api', 'st-3')).expect(200);
    expect(wider.text).toContain('<li data-scope="api">');
    const widerForm = consentForm(wider.text);
    await agent
      .post('/consent')
      .type('form')
      .send({ ...widerForm, decision: 'allow' })
      .expect(303);
    const widened = await agent.get(widerForm.return_to).expect(302);
    expect(new URL(widened.headers.location).searchParams.get('code')).toBeTruthy();

    // Another user has allowed nothing.
    const other = await signedIn('user1', 'password1');
    await other.get(partnerRequest('profile', 'st-4')).expect(200);
  });

  it('Deny redirects to the client with access_denied, state and iss, and remembers nothing', async () => {
    const agent = await signedIn('user1', 'password1');
    const before = await codesIssued();
    const screen = await agent.get(partnerRequest('profile', 'st-deny')).expect(200);

    const denied = await agent
      .post('/consent')
      .type('form')
      .send({ ...consentForm(screen.text), decision: 'deny' })
      .expect(303);

    const location = new URL(denied.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(PARTNER.redirectUri);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied the request',
      state: 'st-deny',
      iss: t.config.server.issuer,
    });
    expect(await codesIssued()).toBe(before);
    await agent.get(partnerRequest('profile', 'st-deny-2')).expect(200);
  });

  describe('the answer is a CSRF-protected POST', () => {
    it('is refused without the page token, or with a made-up one, and allows nothing', async () => {
      const agent = await signedIn('user1', 'password1');
      const screen = await agent.get(partnerRequest('profile', 'st-csrf')).expect(200);
      const form = consentForm(screen.text);

      const missing = await agent
        .post('/consent')
        .type('form')
        .send({ return_to: form.return_to, decision: 'allow' })
        .expect(400);
      expect(missing.body.error).toBe('invalid_request');
      const forged = await agent
        .post('/consent')
        .type('form')
        .send({ ...form, csrf_token: `${'a'.repeat(64)}.${'b'.repeat(64)}`, decision: 'allow' })
        .expect(400);
      expect(forged.body.error).toBe('invalid_request');
      // A request from elsewhere has neither the Strict CSRF cookies nor the page token.
      const crossSite = await t
        .http()
        .post('/consent')
        .type('form')
        .send({ ...form, decision: 'allow' })
        .expect(400);
      expect(crossSite.body.error).toBe('invalid_request');

      await agent.get(partnerRequest('profile', 'st-csrf-2')).expect(200);
    });

    it('re-checks the request it comes back with: an unregistered redirect URI is a 400, never a redirect', async () => {
      const agent = await signedIn('user1', 'password1');
      const screen = await agent.get(partnerRequest('profile', 'st-tamper')).expect(200);
      const form = consentForm(screen.text);
      const tampered = form.return_to.replace(
        encodeURIComponent(PARTNER.redirectUri),
        encodeURIComponent('http://127.0.0.1:7100/elsewhere'),
      );
      expect(tampered).not.toBe(form.return_to);
      for (const decision of ['allow', 'deny']) {
        const res = await agent
          .post('/consent')
          .type('form')
          .send({ ...form, return_to: tampered, decision })
          .expect(400);
        expect(res.headers.location).toBeUndefined();
      }
      const offSite = await agent
        .post('/consent')
        .type('form')
        .send({ ...form, return_to: 'https://evil.example/authorize?x', decision: 'allow' })
        .expect(400);
      expect(offSite.body.error).toBe('invalid_request');
    });
  });

  it('forgets a consent CONSENT_TTL_DAYS after the last Allow (bounded state), TTL-indexed', async () => {
    const agent = await signedIn('user1', 'password1');
    const screen = await agent.get(partnerRequest('profile', 'st-ttl')).expect(200);
    await agent
      .post('/consent')
      .type('form')
      .send({ ...consentForm(screen.text), decision: 'allow' })
      .expect(303);
    const consents = t.connection.collection<{ _id: string; expiresAt?: Date }>(CONSENT_COLLECTION);
    const stored = await consents.findOne({ _id: 'user1 partner' });
    const ttlMs = t.config.oauth.consentTtlDays * 86_400_000;
    expect(stored?.expiresAt?.getTime()).toBeGreaterThan(t.clock.now().getTime() + ttlMs - 60_000);
    expect(stored?.expiresAt?.getTime()).toBeLessThanOrEqual(t.clock.now().getTime() + ttlMs);
    const indexes = await consents.indexes();
    expect(indexes).toContainEqual(
      expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
    );

    // The session outlives no such span: sign in again after it, and the screen is back.
    t.clock.advance(t.config.oauth.consentTtlDays * 86_400 - 120);
    try {
      const again = await signedIn('user1', 'password1');
      await again.get(partnerRequest('profile', 'st-ttl-2')).expect(302);
      t.clock.advance(120);
      await again.get(partnerRequest('profile', 'st-ttl-3')).expect(200);
    } finally {
      t.clock.advance(-t.config.oauth.consentTtlDays * 86_400);
      await t.app.get(ConsentService).revoke('user1');
    }
  });

  it('gives consents remembered before they expired a full lifetime at start', async () => {
    const consents = t.connection.collection<{ _id: string; expiresAt?: Date }>(CONSENT_COLLECTION);
    const then = new Date(t.clock.now().getTime() - 400 * 86_400_000);
    await consents.insertOne({
      _id: 'user1 legacy-client',
      sub: 'user1',
      clientId: 'legacy-client',
      scopes: ['profile'],
      grantedAt: then,
      updatedAt: then,
    } as { _id: string });
    await t.app.get(ConsentService).onModuleInit();
    const dated = await consents.findOne({ _id: 'user1 legacy-client' });
    const lifetime = t.config.oauth.consentTtlDays * 86_400_000;
    expect(dated?.expiresAt?.getTime()).toBeGreaterThan(
      t.clock.now().getTime() + lifetime - 60_000,
    );
    expect(await t.app.get(ConsentService).review('user1', 'legacy-client', 'profile')).toEqual({
      allowed: ['profile'],
      asked: [],
    });
    await t.app.get(ConsentService).revoke('user1');
  });

  it('proofgate-admin consents list / revoke: after a revoke the client asks again', async () => {
    const agent = await signedIn('user1', 'password1');
    const screen = await agent.get(partnerRequest('profile', 'st-cli')).expect(200);
    await agent
      .post('/consent')
      .type('form')
      .send({ ...consentForm(screen.text), decision: 'allow' })
      .expect(303);
    await agent.get(partnerRequest('profile', 'st-cli-2')).expect(302);

    const listed = await admin(['consents', 'list', '--user', 'user1', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ sub: 'user1', client_id: 'partner', scope: 'profile' }),
    ]);
    const table = await admin(['consents', 'list', '--user', 'user1']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^CLIENT\s+SCOPE\s+RESOURCES\s+GRANTED\s+UPDATED\s+EXPIRES$/,
    );

    const revoked = await admin(['consents', 'revoke', '--user', 'user1', '--client', 'partner']);
    expect(revoked).toMatchObject({
      code: 0,
      stdout: 'Revoked 1 consent(s) of user user1 at client partner.\n',
      stderr: '',
    });
    await agent.get(partnerRequest('profile', 'st-cli-3')).expect(200);

    const usage = await admin(['consents', 'revoke', '--client', 'partner']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--user <sub>'");
  });

  it('prompt=login through the consent screen: one sign-in, Allow, then the code, once', async () => {
    await t.app.get(ConsentService).revoke('user1');
    const agent = await signedIn('user1', 'password1');
    const toLogin = await agent.get(`${partnerRequest('profile', 'st-login')}&prompt=login`);
    const loginPage = new URL(toLogin.headers.location, 'http://localhost');
    expect(loginPage.pathname).toBe('/login');
    const signedInAgain = await login(
      agent,
      loginPage.searchParams.get('return_to')!,
      'user1',
      'password1',
    );
    const screen = await agent.get(signedInAgain.headers.location).expect(200);
    const allowed = await agent
      .post('/consent')
      .type('form')
      .send({ ...consentForm(screen.text), decision: 'allow' })
      .expect(303);
    const back = await agent.get(allowed.headers.location).expect(302);
    const callback = new URL(back.headers.location);
    expect(callback.origin + callback.pathname).toBe(PARTNER.redirectUri);
    expect(callback.searchParams.get('state')).toBe('st-login');
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    // The consent screen's way back carried a marker of its own, spent by that code.
    const again = await agent.get(allowed.headers.location).expect(302);
    expect(new URL(again.headers.location, 'http://localhost').pathname).toBe('/login');
    await t.app.get(ConsentService).revoke('user1');
  });
});
