/**
 * Sign-in with an identity wallet (OpenID4VP 1.0), end to end against the real database: an
 * independent holder (@openid4vc/openid4vp + @sd-jwt/sd-jwt-vc) answers the login page's request
 * through /authorize in both response modes and with both client identifier prefixes, and the
 * ID token carries only what was disclosed and allowed.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { type ListeningApp, startListeningApp } from '../../support/test-app';
import { csrfOf } from '../../support/login-form';
import { DEMO_CLIENT, DEMO_SPA, authorizePath, exchangeCode, pkcePair } from '../../support/oauth';
import { register } from '../../support/registration';
import { SCRIPT_CLIENTS_ONLY } from '../../../src/oid4vp/oid4vp.errors';
import {
  type Claims,
  type Holder,
  answer,
  issueCredential,
  newHolder,
} from '../../support/identity-wallet';

type Agent = ReturnType<typeof request.agent>;

const FAST = { RATE_LIMIT_OID4VP_PER_IP: '10000', ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000' };

describe('identity wallet sign-in through /authorize', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(FAST, 'localhost');
  });
  afterAll(() => listening.t.close());

  /** The browser at /authorize, sent to the login page: its CSRF token and return_to. */
  async function loginPage(agent: Agent, scope: string) {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({
      client_id: DEMO_CLIENT.id,
      redirect_uri: DEMO_CLIENT.redirectUri,
      response_type: 'code',
      scope,
      state: 'st',
      nonce: 'n-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const toLogin = await agent.get(path).expect(302);
    const loginUrl = new URL(toLogin.headers.location, listening.issuer);
    const page = await agent.get(loginUrl.pathname + loginUrl.search).expect(200);
    return {
      verifier,
      csrf_token: csrfOf(page.text),
      return_to: loginUrl.searchParams.get('return_to') ?? '/',
    };
  }

  for (const [mode, prefix] of [
    ['direct_post', 'redirect_uri'],
    ['direct_post', 'x509_hash'],
    ['direct_post.jwt', 'redirect_uri'],
    ['direct_post.jwt', 'x509_hash'],
  ] as const) {
    it(`signs in with ${mode} and the ${prefix}: prefix, same device, scope identity`, async () => {
      const agent = request.agent(listening.t.app.getHttpServer());
      const { verifier, csrf_token, return_to } = await loginPage(agent, 'openid identity');
      const created = await agent
        .post('/oid4vp/requests')
        .send({ csrf_token, return_to, response_mode: mode, client_id_prefix: prefix })
        .expect(201);
      expect(created.body.authorization_request).toMatch(/^openid4vp:\/\/\?client_id=/);
      const holder = await newHolder();
      const credential = await issueCredential({ holder });
      const answered = await answer(created.body.authorization_request, holder, credential);
      expect(answered.request.payload.client_id.startsWith(`${prefix}:`)).toBe(true);
      expect(answered.status).toBe(200);
      const redirectUri = new URL(answered.body.redirect_uri as string);
      const back = await agent.get(redirectUri.pathname + redirectUri.search).expect(303);
      const authorized = await agent.get(back.headers.location).expect(302);
      const code = new URL(authorized.headers.location).searchParams.get('code')!;
      const tokens = await exchangeCode(listening.t.app.getHttpServer(), code, verifier).expect(
        200,
      );
      const idToken = decodeJwt(tokens.body.id_token as string);
      expect(idToken.amr).toEqual(['pop']);
      expect(idToken.given_name).toBe('Alice');
      expect(idToken.family_name).toBe('Example');
      expect(idToken.birthdate).toBe('1990-04-01');
      expect(idToken.age_over_18).toBeUndefined();
    });
  }
});

describe('identity wallet sign-in: cross-device, scripts, accounts and scopes', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(FAST, 'localhost');
  });
  afterAll(() => listening.t.close());

  const http = () => request(listening.t.app.getHttpServer());

  async function pageRequest(agent: Agent, returnTo = '/') {
    const page = await agent.get(`/login?return_to=${encodeURIComponent(returnTo)}`).expect(200);
    const created = await agent
      .post('/oid4vp/requests')
      .send({ csrf_token: csrfOf(page.text), return_to: returnTo })
      .expect(201);
    return created.body as { id: string; authorization_request: string };
  }

  it('cross-device: the page polls pending, then is signed in without phr, and /authorize asking for account signs in again', async () => {
    const agent = request.agent(listening.t.app.getHttpServer());
    const { id, authorization_request } = await pageRequest(agent);
    expect((await agent.get(`/oid4vp/requests/${id}`).expect(200)).body).toEqual({
      status: 'pending',
    });
    // Nobody else may poll it: to another browser it does not exist.
    await http().get(`/oid4vp/requests/${id}`).expect(404);
    const holder = await newHolder();
    const answered = await answer(authorization_request, holder, await issueCredential({ holder }));
    expect(answered.status).toBe(200);
    const polled = await agent.get(`/oid4vp/requests/${id}`).expect(200);
    expect(polled.body).toEqual({ status: 'signed_in', redirect: '/' });
    // Completed: the poll is gone.
    await agent.get(`/oid4vp/requests/${id}`).expect(404);
    const { challenge } = pkcePair();
    const withAccount = await agent
      .get(
        authorizePath({
          client_id: DEMO_CLIENT.id,
          redirect_uri: DEMO_CLIENT.redirectUri,
          response_type: 'code',
          scope: 'openid account',
          state: 's',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(302);
    expect(new URL(withAccount.headers.location, listening.issuer).pathname).toBe('/login');
    const { verifier, challenge: other } = pkcePair();
    const plain = await agent
      .get(
        authorizePath({
          client_id: DEMO_CLIENT.id,
          redirect_uri: DEMO_CLIENT.redirectUri,
          response_type: 'code',
          scope: 'openid',
          state: 's',
          code_challenge: other,
          code_challenge_method: 'S256',
        }),
      )
      .expect(302);
    const code = new URL(plain.headers.location).searchParams.get('code')!;
    const tokens = await exchangeCode(listening.t.app.getHttpServer(), code, verifier).expect(200);
    const idToken = decodeJwt(tokens.body.id_token as string);
    expect(idToken.amr).toEqual(['pop']);
    expect(idToken.acr).not.toBe('phr');
  });

  it('a script: a first-party public client’s request, its handle polls, the tokens come once; never account', async () => {
    await http()
      .post('/oid4vp/requests')
      .send({ client_id: DEMO_SPA.id, scope: 'openid account' })
      .expect(400);
    const created = await http()
      .post('/oid4vp/requests')
      .send({ client_id: DEMO_SPA.id, scope: 'openid age', response_mode: 'direct_post.jwt' })
      .expect(201);
    const { id, handle, authorization_request } = created.body as Record<string, string>;
    expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The request's private ECDH-ES key is kept sealed: the database alone decrypts no answer.
    const stateDocument = await listening.t.connection
      .collection('challenges')
      .findOne({ kind: 'oid4vp_state', 'payload.requestId': id });
    expect(stateDocument?.payload.sealedDecryptionJwk).toMatch(/^v1\./);
    expect(JSON.stringify(stateDocument)).not.toMatch(/"d":/);
    const poll = () =>
      http().get(`/oid4vp/requests/${id}`).set('Authorization', `Bearer ${handle}`);
    expect((await poll().expect(200)).body).toEqual({ status: 'pending' });
    const holder = await newHolder();
    const answered = await answer(authorization_request, holder, await issueCredential({ holder }));
    expect(answered.status).toBe(200);
    expect(answered.body.redirect_uri).toBeUndefined();
    // Scope age alone: the wallet was asked for age_over_18 alone.
    expect(answered.request.asked).toEqual(['age_over_18']);
    const done = await poll().expect(200);
    expect(done.body.status).toBe('signed_in');
    const idToken = decodeJwt(done.body.tokens.id_token as string);
    expect(idToken.age_over_18).toBe(true);
    expect(idToken.given_name).toBeUndefined();
    expect(idToken.amr).toEqual(['pop']);
    await poll().expect(404);
  });

  it('a script’s request for any other client is refused before anything is issued: it authenticates no client and shows no consent', async () => {
    // A confidential client (its secret is not asked here), and a self-registered public client
    // (a third party: its users consent at /authorize).
    const registered = await register(listening.t, {
      redirect_uris: ['https://third.example/cb'],
      token_endpoint_auth_method: 'none',
      client_name: 'Third party',
    }).expect(201);
    const states = () =>
      listening.t.connection.collection('challenges').countDocuments({ kind: 'oid4vp_state' });
    const before = await states();
    for (const clientId of [DEMO_CLIENT.id, registered.body.client_id as string]) {
      const refused = await http()
        .post('/oid4vp/requests')
        .send({ client_id: clientId, scope: 'openid identity' })
        .expect(400);
      expect(refused.body).toEqual({
        error: 'invalid_request',
        error_description: SCRIPT_CLIENTS_ONLY,
      });
    }
    expect(await states()).toBe(before);
  });

  it('the same credential signs in to the same account every time; another person to another', async () => {
    const holder = await newHolder();
    const credential = await issueCredential({ holder });
    const subjects: string[] = [];
    for (const claims of [undefined, undefined, { ...ALICE_OTHER }]) {
      const agent = request.agent(listening.t.app.getHttpServer());
      const { id, authorization_request } = await pageRequest(agent);
      const presented =
        claims === undefined ? credential : await issueCredential({ holder, claims });
      await answer(authorization_request, holder, presented);
      await agent.get(`/oid4vp/requests/${id}`).expect(200);
      const page = await agent.get('/login').expect(200);
      subjects.push(/Signed in as <strong>([^<]+)<\/strong>/.exec(page.text)?.[1] ?? '');
    }
    expect(subjects[0]).toMatch(/^account:/);
    expect(subjects[1]).toBe(subjects[0]);
    expect(subjects[2]).not.toBe(subjects[0]);
  });
});

describe('identity wallet sign-in: the account is the person the issuer names uniquely', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(FAST, 'localhost');
  });
  afterAll(() => listening.t.close());

  const http = () => request(listening.t.app.getHttpServer());

  /** A script's sign-in (demo-spa) with a fresh holder's credential of `claims`, or `holder`'s. */
  async function signIn(scope: string, claims: Claims, holder?: Holder) {
    const created = await http()
      .post('/oid4vp/requests')
      .send({ client_id: DEMO_SPA.id, scope })
      .expect(201);
    const { id, handle, authorization_request } = created.body as Record<string, string>;
    const wallet = holder ?? (await newHolder());
    const credential = await issueCredential({ holder: wallet, claims });
    const answered = await answer(authorization_request, wallet, credential);
    expect(answered.status).toBe(200);
    const done = await http()
      .get(`/oid4vp/requests/${id}`)
      .set('Authorization', `Bearer ${handle}`)
      .expect(200);
    expect(done.body.status).toBe('signed_in');
    const idToken = decodeJwt(done.body.tokens.id_token as string);
    return { sub: idToken.sub as string, idToken, given: answered.given, holder: wallet };
  }

  it('namesakes of one issuer, without sub, sign in to different accounts (another personal number, or none)', async () => {
    for (const scope of ['openid identity', 'openid']) {
      const subjects = [
        await signIn(scope, { ...NAMESAKE, personal_administrative_number: `FAKE-1 ${scope}` }),
        await signIn(scope, { ...NAMESAKE, personal_administrative_number: `FAKE-2 ${scope}` }),
        await signIn(scope, NAMESAKE),
        await signIn(scope, NAMESAKE),
      ].map(({ sub }) => sub);
      expect(subjects[0]).toMatch(/^account:/);
      expect(new Set(subjects).size).toBe(4);
    }
  });

  it('a credential issued again (a new holder key) with the same personal number signs in to the same account', async () => {
    const person = { ...NAMESAKE, personal_administrative_number: 'FAKE-REISSUED-1' };
    const first = await signIn('openid identity', person);
    const reissued = await signIn('openid identity', person);
    expect(reissued.holder.publicJwk).not.toEqual(first.holder.publicJwk);
    expect(reissued.sub).toBe(first.sub);
    // Whatever the scope asks with it, and with a name changed since (the number names the person).
    expect((await signIn('openid', person)).sub).toBe(first.sub);
    const renamed = { ...person, family_name: 'Renamed' };
    const later = await signIn('openid identity', renamed);
    expect(later.sub).toBe(first.sub);
    expect(later.idToken.family_name).toBe('Renamed');
  });

  it('a credential without the subject claims still answers, and signs in to its holder key’s account', async () => {
    // Scope identity: the second claim set, the scope's claims alone.
    const first = await signIn('openid identity', NAMESAKE);
    expect(first.given).toEqual({
      id: 'pid',
      disclose: ['given_name', 'family_name', 'birthdate'],
    });
    expect(first.idToken).toMatchObject({ given_name: 'Noa', family_name: 'Namesake' });
    // The same holder key: the same account, whatever the scope; scope openid alone answers the
    // query of the credential without claims.
    expect((await signIn('openid identity', NAMESAKE, first.holder)).sub).toBe(first.sub);
    const bare = await signIn('openid', NAMESAKE, first.holder);
    expect(bare.given).toEqual({ id: 'pid_no_claims', disclose: [] });
    expect(bare.sub).toBe(first.sub);
    // Another key with the very same claims: another account.
    expect((await signIn('openid identity', NAMESAKE)).sub).not.toBe(first.sub);
  });
});

/** Plainly fake: a name and a birthdate many people could share; no personal number. */
const NAMESAKE = { given_name: 'Noa', family_name: 'Namesake', birthdate: '1970-01-01' };

const ALICE_OTHER = {
  given_name: 'Bob',
  family_name: 'Example',
  birthdate: '1985-01-01',
  personal_administrative_number: 'FAKE-PAN-BOB-0002',
  age_over_18: true,
};

describe('identity wallet sign-in: a wallet URL with a query of its own', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(
      { ...FAST, OID4VP_WALLET_URL: 'https://wallet.example/start?lang=en' },
      'localhost',
    );
  });
  afterAll(() => listening.t.close());

  it('adds the request’s parameters to that query, and the wallet answers it', async () => {
    const created = await request(listening.t.app.getHttpServer())
      .post('/oid4vp/requests')
      .send({ client_id: DEMO_SPA.id, scope: 'openid age' })
      .expect(201);
    const { authorization_request: link } = created.body as Record<string, string>;
    expect(link.split('?')).toHaveLength(2);
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe('https://wallet.example/start');
    expect(url.searchParams.get('lang')).toBe('en');
    expect(url.searchParams.get('request_uri')).toBe(created.body.request_uri);
    const holder = await newHolder();
    const answered = await answer(link, holder, await issueCredential({ holder }));
    expect(answered.status).toBe(200);
  });
});
