/**
 * "Sign in with <provider>" against a real OpenID provider on loopback (node-oidc-provider, its
 * interactions completed by the spec as the user's browser), the whole round trip over HTTP with
 * cookies: Proofgate's side through supertest agents (one per browser), the provider's through
 * fetch. Every refusal the issue names has its own test, and each ends on the login page.
 */
import { generateKeyPair, exportJWK, decodeJwt } from 'jose';
import request from 'supertest';
import { AccountService } from '../../../src/accounts/account.service';
import { ChallengeFiguresRecorder } from '../../../src/compare/figures/challenge-figures.recorder';
import { AppConfig } from '../../../src/config/app-config';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { SecurityEventLog } from '../../../src/telemetry/security-events/security-event.log';
import { UPSTREAM_REFUSALS } from '../../../src/upstream/upstream.errors';
import { CapturedLog } from '../../support/captured-log';
import { CookieBrowser } from '../../support/cookie-browser';
import { errorText } from '../../support/login-form';
import { type Agent, DEMO_CLIENT, exchangeCode, login, pkcePair } from '../../support/oauth';
import { type TestApp, createTestApp } from '../../support/test-app';
import {
  type OidcProviderProcess,
  type ProviderStep,
  type ScriptedOidcProvider,
  type TokenAnswer,
  startOidcProvider,
  startScriptedOidcProvider,
  throughOidcProvider,
} from '../../support/upstream-providers';

const ISSUER = AppConfig.fromEnv({ ...process.env }).server.issuer;
const callbackOf = (id: string) => `${ISSUER}/login/upstream/${id}/callback`;
const SECRET = 'upstream-client-secret-not-for-logs';

const ACCOUNTS = {
  alice: { email: 'alice@example.com', email_verified: true, name: 'Alice' },
  eve: { email: 'eve@example.com', email_verified: false, name: 'Eve' },
  bob: { email: 'bob@example.com', email_verified: true, name: 'Bob' },
  carol: { email: 'carol@example.com', email_verified: true, name: 'Carol' },
  dave: { email: 'dave@example.com', email_verified: true, name: 'Dave' },
};

/** A demo-client authorization request, as the login page's return_to. */
function authorizeRequest(): { path: string; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO_CLIENT.id,
    redirect_uri: DEMO_CLIENT.redirectUri,
    scope: 'openid',
    state: 'client-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { path: `/authorize?${query.toString()}`, verifier };
}

describe('sign-in at an OpenID provider (GET /login/upstream/{id}, its callback)', () => {
  const log = new CapturedLog();
  let t: TestApp;
  let provider: OidcProviderProcess;
  let scripted: ScriptedOidcProvider;
  let down: ScriptedOidcProvider;
  /** A provider that neither advertises nor sends RFC 9207 iss (Google). */
  let quiet: ScriptedOidcProvider;
  let privateJwk: Record<string, unknown>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: 'proofgate-key' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'proofgate-key', alg: 'ES256' };
    [provider, scripted, down, quiet] = await Promise.all([
      startOidcProvider({
        clients: [
          {
            client_id: 'proofgate',
            client_secret: SECRET,
            redirect_uris: [callbackOf('example')],
            token_endpoint_auth_method: 'client_secret_basic',
          },
          {
            client_id: 'proofgate-keyed',
            redirect_uris: [callbackOf('keyed')],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks: { keys: [publicJwk] },
          },
        ],
        accounts: ACCOUNTS,
        idTokenTtlSeconds: 60,
      }),
      startScriptedOidcProvider({ clientId: 'proofgate' }),
      startScriptedOidcProvider({ clientId: 'proofgate' }),
      startScriptedOidcProvider({ clientId: 'proofgate', issInResponses: false }),
    ]);
    t = await createTestApp(
      {
        LOG_LEVEL: 'info',
        UPSTREAM_PROVIDERS: JSON.stringify([
          {
            id: 'example',
            name: 'Example ID',
            issuer: provider.issuer,
            client_id: 'proofgate',
            client_secret: SECRET,
            scopes: ['openid', 'email', 'profile'],
          },
          {
            id: 'keyed',
            name: 'Keyed ID',
            issuer: provider.issuer,
            client_id: 'proofgate-keyed',
            private_key_jwk: privateJwk,
          },
          {
            id: 'scripted',
            name: 'Scripted ID',
            issuer: scripted.issuer,
            client_id: 'proofgate',
            client_secret: SECRET,
          },
          {
            id: 'down',
            name: 'Down ID',
            issuer: down.issuer,
            client_id: 'proofgate',
            client_secret: SECRET,
          },
          {
            id: 'quiet',
            name: 'Quiet ID',
            issuer: quiet.issuer,
            client_id: 'proofgate',
            client_secret: SECRET,
          },
          {
            id: 'nowhere',
            name: 'Nowhere',
            // Nothing listens on the discard port.
            issuer: 'http://127.0.0.1:9',
            client_id: 'proofgate',
            client_secret: SECRET,
          },
        ]),
      },
      [[LogDestination, log]],
    );
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([provider.stop(), scripted.stop(), down.stop(), quiet.stop()]);
  });

  const agent = (): Agent => request.agent(t.app.getHttpServer());
  const sessions = () => t.connection.collection(SESSION_COLLECTION).countDocuments();

  /** The browser opens the login page, then "Sign in with <provider>": where it is sent. */
  async function startAt(browser: Agent, id: string, returnTo?: string): Promise<string> {
    const query = returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`;
    await browser.get(`/login${query}`).expect(200);
    const started = await browser.get(`/login/upstream/${id}${query}`).expect(302);
    return started.headers.location;
  }

  /** A browser's whole way to the callback URL, at node-oidc-provider. */
  async function callbackFrom(
    browser: Agent,
    id: string,
    step: ProviderStep,
    returnTo?: string,
  ): Promise<URL> {
    const authorization = await startAt(browser, id, returnTo);
    return throughOidcProvider(new CookieBrowser(), authorization, step);
  }

  /** A browser's way to the callback URL at a scripted provider, which approves at once. */
  async function callbackFromScripted(browser: Agent, id: string): Promise<URL> {
    const authorization = await startAt(browser, id);
    const back = await fetch(authorization, { redirect: 'manual' });
    return new URL(back.headers.get('location')!);
  }

  /** A sign-in at the scripted provider answering `answer`, ended: the login page's alert. */
  async function scriptedRefusal(answer: TokenAnswer): Promise<string | undefined> {
    scripted.tokenAnswer = answer;
    try {
      const browser = agent();
      const callback = await callbackFromScripted(browser, 'scripted');
      return await refusalShown(browser, await open(browser, callback));
    } finally {
      scripted.tokenAnswer = { kind: 'id_token' };
    }
  }

  /** The callback opened in `browser`: where it ends (a 303, never an error status). */
  async function open(browser: Agent, callback: URL): Promise<string> {
    const res = await browser.get(`${callback.pathname}${callback.search}`);
    expect(res.status).toBe(303);
    return res.headers.location;
  }

  /** "Link <provider>" on the account page of `browser` (its form, CSRF token): the answer. */
  async function linkFrom(browser: Agent, id: string, status: number) {
    const page = await browser.get('/account').expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    return browser
      .post(`/account/upstream/${id}`)
      .type('form')
      .send({ csrf_token: csrf })
      .expect(status);
  }

  /** The login page a refusal ends on, and the text in its role="alert". */
  async function refusalShown(browser: Agent, location: string): Promise<string | undefined> {
    expect(location).toMatch(/^\/login\?/);
    const page = await browser.get(location).expect(200);
    return errorText(page.text);
  }

  it('offers "Sign in with <name>" per provider on the login page, linking to /login/upstream/{id} with return_to', async () => {
    const plain = await t.http().get('/login').expect(200);
    expect(plain.text).toContain(
      '<a href="/login/upstream/example" id="upstream-example-login" class="button secondary">Sign in with Example ID</a>',
    );
    expect(plain.text).toContain('>Sign in with Keyed ID</a>');
    const { path } = authorizeRequest();
    const pending = await t.http().get('/login').query({ return_to: path }).expect(200);
    expect(pending.text).toContain(
      `href="/login/upstream/example?return_to=${encodeURIComponent(path).replace(/&/g, '&amp;')}"`,
    );
    // A provider's sign-in never achieves phr: where a passkey is required, none is offered.
    const stepUp = await t.http().get('/login').query({ acr_values: 'phr' }).expect(200);
    expect(stepUp.text).not.toContain('/login/upstream/');
  });

  it('redirects to the provider with state, nonce, PKCE S256 and its redirect URI, bound to a pre-login session it starts', async () => {
    const res = await t.http().get('/login/upstream/example').expect(302);
    const to = new URL(res.headers.location);
    expect(`${to.origin}${to.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(Object.fromEntries(to.searchParams)).toEqual({
      client_id: 'proofgate',
      response_type: 'code',
      redirect_uri: callbackOf('example'),
      scope: 'openid email profile',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(String(res.headers['set-cookie'])).toMatch(/pg_presession=[A-Za-z0-9_-]{43}/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('signs in through the whole round trip: return_to survives, a new account upstream:<id>:<sub>, amr fed, and the provider’s own acr phr and amr never carried over', async () => {
    const browser = agent();
    const { path, verifier } = authorizeRequest();
    const callback = await callbackFrom(
      browser,
      'example',
      { login: 'alice', amr: 'hwk mfa', acr: 'phr' },
      path,
    );
    expect(`${callback.origin}${callback.pathname}`).toBe(callbackOf('example'));
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);

    expect(await open(browser, callback)).toBe(path);
    const authorized = await browser.get(path).expect(302);
    const code = new URL(authorized.headers.location).searchParams.get('code')!;
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    const idToken = decodeJwt(tokens.body.id_token as string);
    expect(idToken).toMatchObject({
      sub: 'upstream:example:alice',
      amr: ['fed'],
      acr: 'urn:proofgate:acr:1fa',
    });

    const account = await t.app.get(AccountService).account('upstream:example:alice');
    expect(account.methods).toEqual([
      expect.objectContaining({
        key: 'upstream:example:alice',
        type: 'upstream',
        upstream: { email: 'alice@example.com' },
      }),
    ]);
    const me = await request(t.app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${tokens.body.access_token as string}`)
      .expect(200);
    expect(me.body).toMatchObject({ sub: 'upstream:example:alice', auth_method: 'upstream' });
  });

  it('takes the provider’s auth_time as the session’s: a silent answer from a day-old provider session is no recent sign-in', async () => {
    const browser = agent();
    const { path, verifier } = authorizeRequest();
    const dayAgo = t.clock.nowSeconds() - 86_400;
    scripted.tokenAnswer = { kind: 'id_token', claims: { auth_time: dayAgo } };
    try {
      const authorization = await startAt(browser, 'scripted', path);
      const back = await fetch(authorization, { redirect: 'manual' });
      expect(await open(browser, new URL(back.headers.get('location')!))).toBe(path);
    } finally {
      scripted.tokenAnswer = { kind: 'id_token' };
    }
    const authorized = await browser.get(path).expect(302);
    const code = new URL(authorized.headers.location).searchParams.get('code')!;
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    expect(decodeJwt(tokens.body.id_token as string).auth_time).toBe(dayAgo);
    // The account page's changes need a recent sign-in: this one is a day old.
    const link = await linkFrom(browser, 'example', 303);
    expect(link.headers.location).toBe('/account?upstream_error=link_needs_recent_sign_in');
  });

  it('asks the provider for as recent a sign-in as what follows needs (max_age), and a link for a sign-in now', async () => {
    const maxAgeAsked = async (returnTo?: string) =>
      new URL(await startAt(agent(), 'scripted', returnTo)).searchParams.get('max_age');
    const { path } = authorizeRequest();
    expect(await maxAgeAsked()).toBeNull();
    expect(await maxAgeAsked(path)).toBeNull();
    expect(await maxAgeAsked(`${path}&max_age=60`)).toBe('60');
    expect(await maxAgeAsked(`${path}&prompt=login`)).toBe('0');
    // The account page's changes need a login at most ACCOUNT_RECENT_LOGIN_SECONDS old.
    expect(await maxAgeAsked('/account')).toBe('600');
    // A link: the provider account signed in to now, not whichever its session holds.
    const browser = agent();
    await login(browser, '/account', 'user0', 'password0');
    const started = await linkFrom(browser, 'scripted', 302);
    expect(new URL(started.headers.location).searchParams.get('max_age')).toBe('0');
  });

  it('signs the same provider account in to the same account again, creating nothing', async () => {
    const accounts = () => t.connection.collection('accounts').countDocuments();
    const first = agent();
    await open(first, await callbackFrom(first, 'example', { login: 'dave' }));
    const before = await accounts();
    const again = agent();
    expect(await open(again, await callbackFrom(again, 'example', { login: 'dave' }))).toBe('/');
    expect(await accounts()).toBe(before);
    expect((await t.app.get(AccountService).findMethod('upstream:example:dave'))?.sub).toBe(
      'upstream:example:dave',
    );
  });

  it('refuses a disabled account on the login page, whichever method signs it in', async () => {
    const first = agent();
    expect(await open(first, await callbackFrom(first, 'example', { login: 'carol' }))).toBe('/');
    await t.app.get(AccountService).disable('upstream:example:carol');
    const browser = agent();
    const location = await open(
      browser,
      await callbackFrom(browser, 'example', { login: 'carol' }),
    );
    expect(await refusalShown(browser, location)).toBe(UPSTREAM_REFUSALS.account_disabled);
  });

  it('authenticates to the token endpoint with private_key_jwt when the provider is configured with private_key_jwk', async () => {
    const browser = agent();
    const callback = await callbackFrom(browser, 'keyed', { login: 'carol' });
    expect(await open(browser, callback)).toBe('/');
    expect(await t.app.get(AccountService).findMethod('upstream:keyed:carol')).toMatchObject({
      sub: 'upstream:keyed:carol',
    });
  });

  it('keeps an email only when the provider says email_verified', async () => {
    const browser = agent();
    await open(browser, await callbackFrom(browser, 'example', { login: 'eve' }));
    const method = await t.app.get(AccountService).findMethod('upstream:example:eve');
    expect(method).toMatchObject({ key: 'upstream:example:eve', type: 'upstream' });
    expect(method?.upstream?.email).toBeUndefined();
  });

  it('never merges by email: the same verified address at another provider is another account', async () => {
    const first = agent();
    await open(first, await callbackFrom(first, 'example', { login: 'bob' }));
    const second = agent();
    await open(second, await callbackFrom(second, 'keyed', { login: 'bob' }));
    const accounts = t.app.get(AccountService);
    const [example, keyed] = await Promise.all([
      accounts.findMethod('upstream:example:bob'),
      accounts.findMethod('upstream:keyed:bob'),
    ]);
    expect(example?.upstream?.email).toBe('bob@example.com');
    expect(keyed?.upstream?.email).toBe('bob@example.com');
    expect(example?.sub).toBe('upstream:example:bob');
    expect(keyed?.sub).toBe('upstream:keyed:bob');
  });

  it('refuses a forged state on the login page, signing nobody in', async () => {
    const browser = agent();
    await browser.get('/login').expect(200);
    const before = await sessions();
    const forged = new URL(callbackOf('example'));
    forged.search = new URLSearchParams({
      code: 'attacker-code',
      state: 'A'.repeat(43),
      iss: provider.issuer,
    }).toString();
    const location = await open(browser, forged);
    expect(await refusalShown(browser, location)).toBe(UPSTREAM_REFUSALS.state_unknown);
    expect(await sessions()).toBe(before);
  });

  it('refuses a replayed callback: the state counted once, no second session', async () => {
    const browser = agent();
    const { path } = authorizeRequest();
    const callback = await callbackFrom(browser, 'example', { login: 'alice' }, path);
    expect(await open(browser, callback)).toBe(path);
    const before = await sessions();
    const replays = () => t.app.get(SecurityEventLog).count('upstream_state_replay');
    const recorded = await replays();
    const location = await open(browser, callback);
    expect(await refusalShown(browser, location)).toBe(UPSTREAM_REFUSALS.state_used);
    expect(await sessions()).toBe(before);
    expect(await replays()).toBe(recorded + 1);
  });

  it('refuses the callback in another browser, and leaves it to the browser that started it', async () => {
    const owner = agent();
    const { path } = authorizeRequest();
    const callback = await callbackFrom(owner, 'example', { login: 'alice' }, path);
    const attacker = agent();
    await attacker.get('/login').expect(200);
    const location = await open(attacker, callback);
    expect(await refusalShown(attacker, location)).toBe(UPSTREAM_REFUSALS.other_browser);
    expect(await open(owner, callback)).toBe(path);
  });

  it('refuses a mix-up: a response carrying a second provider’s iss, and one delivered to a second provider’s callback', async () => {
    const browser = agent();
    const { path } = authorizeRequest();
    const callback = await callbackFrom(browser, 'example', { login: 'alice' }, path);
    const mixed = new URL(callback);
    mixed.searchParams.set('iss', scripted.issuer);
    const location = await open(browser, mixed);
    expect(location).toBe(`/login?return_to=${encodeURIComponent(path)}&upstream_error=mix_up`);
    expect(await refusalShown(browser, location)).toBe(UPSTREAM_REFUSALS.mix_up);

    const other = agent();
    const second = await callbackFrom(other, 'example', { login: 'alice' });
    const elsewhere = new URL(`${callbackOf('scripted')}${second.search}`);
    expect(await refusalShown(other, await open(other, elsewhere))).toBe(
      UPSTREAM_REFUSALS.other_browser,
    );
  });

  it('refuses a response without iss from a provider that advertises it (RFC 9207)', async () => {
    const browser = agent();
    const callback = await callbackFrom(browser, 'example', { login: 'alice' });
    callback.searchParams.delete('iss');
    expect(await refusalShown(browser, await open(browser, callback))).toBe(
      UPSTREAM_REFUSALS.missing_iss,
    );
  });

  it('takes a response without iss from a provider that does not advertise it, and refuses another provider’s iss from it all the same', async () => {
    quiet.subject = 'quiet-user';
    const browser = agent();
    const callback = await callbackFromScripted(browser, 'quiet');
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(await open(browser, callback)).toBe('/');
    expect((await t.app.get(AccountService).findMethod('upstream:quiet:quiet-user'))?.sub).toBe(
      'upstream:quiet:quiet-user',
    );

    const other = agent();
    const mixed = await callbackFromScripted(other, 'quiet');
    mixed.searchParams.set('iss', provider.issuer);
    expect(await refusalShown(other, await open(other, mixed))).toBe(UPSTREAM_REFUSALS.mix_up);
  });

  it('refuses an ID token signed with a key the provider’s JWKS does not hold', async () => {
    expect(await scriptedRefusal({ kind: 'id_token', forged: true })).toBe(
      UPSTREAM_REFUSALS.id_token_invalid,
    );
  });

  it('refuses an ID token with another nonce', async () => {
    const browser = agent();
    const authorization = new URL(await startAt(browser, 'example'));
    authorization.searchParams.set('nonce', 'a-nonce-of-another-sign-in');
    const callback = await throughOidcProvider(new CookieBrowser(), authorization.href, {
      login: 'alice',
    });
    expect(await refusalShown(browser, await open(browser, callback))).toBe(
      UPSTREAM_REFUSALS.id_token_invalid,
    );
  });

  it('refuses an expired ID token (its 60 s gone by this server’s clock)', async () => {
    const browser = agent();
    const callback = await callbackFrom(browser, 'example', { login: 'alice' });
    t.clock.advance(120);
    try {
      expect(await refusalShown(browser, await open(browser, callback))).toBe(
        UPSTREAM_REFUSALS.id_token_invalid,
      );
    } finally {
      t.clock.advance(-120);
    }
  });

  it('refuses an ID token for another audience', async () => {
    expect(await scriptedRefusal({ kind: 'id_token', claims: { aud: 'another-client' } })).toBe(
      UPSTREAM_REFUSALS.id_token_invalid,
    );
  });

  it('refuses an ID token without its nonce or iat as an invalid ID token, as one with a wrong one', async () => {
    for (const missing of ['nonce', 'iat']) {
      const answer = { kind: 'id_token' as const, claims: { [missing]: undefined } };
      expect(await scriptedRefusal(answer)).toBe(UPSTREAM_REFUSALS.id_token_invalid);
    }
  });

  it('refuses an ID token whose claims name sub twice, naming the member in the log: another reader may take the other', async () => {
    const before = log.lines.length;
    expect(await scriptedRefusal({ kind: 'id_token', again: { sub: 'mallory' } })).toBe(
      UPSTREAM_REFUSALS.provider_answer_invalid,
    );
    const logged = log
      .records()
      .slice(before)
      .map((record) => String(record.msg));
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^Sign-in at upstream provider scripted failed: provider_answer_invalid .*the answer's id_token names member "sub" twice/,
      ),
    );
    expect(await t.app.get(AccountService).findMethod('upstream:scripted:mallory')).toBeNull();
  });

  it('ends a user’s cancel at the provider (access_denied) on the login page, return_to kept', async () => {
    const browser = agent();
    const { path } = authorizeRequest();
    const callback = await callbackFrom(browser, 'example', { abort: true }, path);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const location = await open(browser, callback);
    expect(location).toBe(`/login?return_to=${encodeURIComponent(path)}&upstream_error=cancelled`);
    const page = await browser.get(location).expect(200);
    expect(errorText(page.text)).toBe(UPSTREAM_REFUSALS.cancelled);
    // The page still continues the same authorization request.
    expect(page.text).toContain(`value="${path.replace(/&/g, '&amp;')}"`);
  });

  it('ends a provider answering garbage on the login page', async () => {
    expect(await scriptedRefusal({ kind: 'garbage' })).toBe(
      UPSTREAM_REFUSALS.provider_answer_invalid,
    );
  });

  it('ends a provider that is down on the login page, at the start and at the callback', async () => {
    const browser = agent();
    await browser.get('/login').expect(200);
    const start = await browser.get('/login/upstream/nowhere').expect(303);
    expect(await refusalShown(browser, start.headers.location)).toBe(
      UPSTREAM_REFUSALS.provider_unavailable,
    );

    const callback = await callbackFromScripted(browser, 'down');
    await down.stop();
    expect(await refusalShown(browser, await open(browser, callback))).toBe(
      UPSTREAM_REFUSALS.provider_unavailable,
    );
  });

  it('ends an unknown provider on the login page', async () => {
    const res = await t.http().get('/login/upstream/unknown').expect(303);
    expect(res.headers.location).toBe('/login?upstream_error=unknown_provider');
  });

  it('logs an unknown provider’s id as sent, but no character of it a log viewer would act on', async () => {
    const before = log.lines.length;
    // A line break, U+202E (reorders what follows) and U+2028 (a line break to some viewers).
    await t.http().get('/login/upstream/x%0Aforged%E2%80%AEtxt.exe%E2%80%A8y/callback').expect(303);
    const lines = log.lines
      .slice(before)
      .filter((line) => line.includes('forged') && !line.includes('request completed'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('x\\nforged\\u202etxt.exe\\u2028y');
    expect(lines[0].trimEnd()).toMatch(/^[\x20-\x7e]*$/);
    // And it reads back as sent.
    expect((JSON.parse(lines[0]) as { msg: string }).msg).toContain(
      'x\nforged\u202etxt.exe\u2028y',
    );
  });

  it('puts its model on /challenge-models: what is bound, the state’s lifetime, what a stolen callback yields, and the refusals above counted', async () => {
    await t.app.get(ChallengeFiguresRecorder).flush();
    const res = await t.http().get('/challenge-models/upstream').expect(200);
    expect(res.body).toMatchObject({
      id: 'upstream',
      protocol: {
        bound_to: ['provider', 'browser'],
        endpoints: ['GET /login/upstream/{id}', 'GET /login/upstream/{id}/callback'],
      },
      policy: {
        challenge_kind: 'upstream_state',
        lifetime_seconds: 600,
        delete_on_use: true,
        bound_to: ['provider', 'browser'],
      },
    });
    expect(res.body.policy.threats.stops).toContainEqual(
      expect.stringMatching(/^a stolen callback URL: .*signs nobody in/),
    );
    expect(res.body.used_by[0].through).toContain(
      'offered here: Example ID (oidc), Keyed ID (oidc), Scripted ID (oidc), Down ID (oidc), Quiet ID (oidc), Nowhere (oidc)',
    );
    const { since_start: figures } = res.body.figures as {
      since_start: { redeemed: number; rejected: { by_reason: Record<string, number> } };
    };
    expect(figures.redeemed).toBeGreaterThan(0);
    // The refusals of the state above, by their reasons; a cancel at the provider is none.
    expect(figures.rejected.by_reason).toMatchObject({
      state_unknown: expect.any(Number),
      state_used: expect.any(Number),
      other_browser: expect.any(Number),
      mix_up: expect.any(Number),
      missing_iss: expect.any(Number),
      id_token_invalid: expect.any(Number),
    });
    expect(figures.rejected.by_reason.cancelled).toBeUndefined();
  });

  it('never wrote a state, a code, a verifier, a token or the client secret to the log', () => {
    const text = log.lines.join('\n');
    expect(text).toContain('upstream');
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/code=|state=|code_verifier|access_token|id_token"/);
    expect(text).not.toContain(String(privateJwk.d));
  });
});
