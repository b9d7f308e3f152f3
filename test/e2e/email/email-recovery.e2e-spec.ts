/**
 * Recovery by email on an account that holds a passkey, under ACCOUNT_CHANGES_REQUIRE_PHR=true: the
 * verified address signs in to it, but that sign-in alone adds and removes nothing (no passkey,
 * wallet, password or address), on the account page or through the `account`-scoped API, and its
 * tokens never say `phr`, even asked for; adding an address still takes the passkey sign-in the
 * setting asks for, and the code mailed to the address.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { EMAIL_ALONE_REFUSAL } from '../../../src/accounts/email-alone';
import { adminCli } from '../../support/admin-cli';
import { browser, mailTo, signInByEmail, unescapeHtml } from '../../support/email';
import { exchangeCode, login, obtainCode, tokensFor } from '../../support/oauth';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { startListeningApp, type TestApp } from '../../support/test-app';

const fresh = (name: string) =>
  `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;
const csrfOf = (html: string) => unescapeHtml(/name="csrf_token" value="([^"]+)"/.exec(html)![1]);
const mailCode = async (t: TestApp, email: string) => ({ code: (await mailTo(t, email)).code });

describe('email alone on an account with a passkey (ACCOUNT_CHANGES_REQUIRE_PHR=true)', () => {
  let t: TestApp;
  let issuer: string;
  const email = fresh('haspasskey');
  /** user1's passkey, added after a password login (the account had none: no step-up yet). */
  let passkey: Awaited<ReturnType<typeof addPasskeyOnAccountPage>>;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp(
      {
        ACCOUNT_CHANGES_REQUIRE_PHR: 'true',
        MAIL_POLL_INTERVAL_MS: '50',
        RATE_LIMIT_LOGIN_PER_IP: '1000',
      },
      'localhost',
    ));
    const owner = browser(t);
    await login(owner, '/', 'user1', 'password1');
    passkey = await addPasskeyOnAccountPage(owner, issuer);
    const linked = await adminCli(t, ['accounts', 'link', '--user', 'user1', '--email', email]);
    expect(linked.code).toBe(0);
  });
  afterAll(() => t.close());

  const refusedForEmailAlone = (res: request.Response) => {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      error: 'insufficient_user_authentication',
      error_description: EMAIL_ALONE_REFUSAL,
    });
  };

  it('signs in by the address, but adds or removes no passkey, wallet or address, on the page or through the API', async () => {
    const agent = browser(t);
    await signInByEmail(t, agent, email);
    const page = await agent.get('/account').expect(200);
    expect(page.text).toContain('<strong id="account-sub">user1</strong>');
    expect(page.text).toContain('id="stronger-needed"');
    const csrf = csrfOf(page.text);
    refusedForEmailAlone(await agent.post('/account/passkeys/options').send({ csrf_token: csrf }));
    const wallet = privateKeyToAccount(generatePrivateKey());
    refusedForEmailAlone(
      await agent
        .post('/account/wallets/nonce')
        .send({ address: wallet.address, chainId: 1, csrf_token: csrf }),
    );

    // The API, with an account-scoped token of that email sign-in.
    const { access_token: token } = await tokensFor(t.app.getHttpServer(), agent, {
      scope: 'openid account',
    });
    const api = () => request(t.app.getHttpServer());
    const listed = await api()
      .get('/account/methods')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const methods = (listed.body as { methods: { method: string; type: string }[] }).methods;
    const passkeyMethod = methods.find((m) => m.type === 'passkey')!.method;
    refusedForEmailAlone(
      await api()
        .delete(`/account/methods/${encodeURIComponent(passkeyMethod)}`)
        .set('Authorization', `Bearer ${token}`),
    );
    refusedForEmailAlone(
      await api()
        .post('/account/methods/wallet/nonce')
        .set('Authorization', `Bearer ${token}`)
        .send({ address: wallet.address, chainId: 1 }),
    );
    refusedForEmailAlone(
      await api()
        .post('/account/methods/email/code')
        .set('Authorization', `Bearer ${token}`)
        .send({ email: fresh('intruder') }),
    );
    // Nothing changed: the same methods.
    const after = await api()
      .get('/account/methods')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(after.body).toEqual(listed.body);
  });

  it('never carries phr, even asked for with acr_values=phr', async () => {
    const agent = browser(t);
    await signInByEmail(t, agent, email);
    // Voluntary phr with prompt=none: the code says what the session has.
    const { code, verifier } = await obtainCode(agent, {
      scope: 'openid',
      prompt: 'none',
      acr_values: 'phr',
    });
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    const idToken = decodeJwt(tokens.body.id_token as string);
    expect(idToken).toMatchObject({ sub: 'user1', amr: ['otp'], acr: 'urn:proofgate:acr:1fa' });
    expect(decodeJwt(tokens.body.access_token as string).acr).toBe('urn:proofgate:acr:1fa');
  });

  it('adds an address to this account only after a passkey sign-in, as ACCOUNT_CHANGES_REQUIRE_PHR asks', async () => {
    const withPassword = browser(t);
    await login(withPassword, '/', 'user1', 'password1');
    const page = await withPassword.get('/account').expect(200);
    const refused = await withPassword
      .post('/account/email/code')
      .type('form')
      .send({ email: fresh('second'), csrf_token: csrfOf(page.text) })
      .expect(401);
    expect(refused.text).toMatch(/needs a passkey sign-in/);

    const withPasskey = browser(t);
    await passkeySignIn(withPasskey, passkey);
    const second = fresh('second');
    const fresher = await withPasskey.get('/account').expect(200);
    await withPasskey
      .post('/account/email/code')
      .type('form')
      .send({ email: second, csrf_token: csrfOf(fresher.text) })
      .expect(200);
    const { code } = await mailCode(t, second);
    await withPasskey
      .post('/account/email')
      .type('form')
      .send({ code, csrf_token: csrfOf(fresher.text) })
      .expect(303);
    const list = await adminCli(t, ['--json', 'emails', 'list', '--user', 'user1']);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: `email:${second}` })]),
    );
  });
});
