/**
 * RFC 9449 §7 on the account endpoints (issue 31): `/account/methods*` and
 * `/passkeys/registration/*` authenticate an account-scoped token as `/api/me` does. A DPoP-bound
 * token comes as `Authorization: DPoP` with a proof of its key; every refusal of such a request,
 * the account's own (scope, recent login) included, is a `WWW-Authenticate: DPoP` challenge
 * naming the algorithms (§7.1), never a `Bearer` one; a due nonce comes back in `DPoP-Nonce`, as
 * it does at /userinfo, refusals included.
 */
import { decodeJwt } from 'jose';
import { TestApp } from '../../support/test-app';
import { DEMO_SPA, type Agent } from '../../support/oauth';
import {
  signedInWithDpopKey,
  exchangeWithProof,
  expectDpopChallenge,
  signProof,
  type DpopKey,
} from '../../support/dpop';
import { expectRefusal } from '../../support/refusal';

describe('DPoP-bound tokens at the account endpoints (RFC 9449 §7)', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25995';
  let key: DpopKey;

  beforeAll(async () => {
    ({ t, agent, key } = await signedInWithDpopKey(issuer, { RATE_LIMIT_LOGIN_PER_IP: '1000' }));
  });
  afterAll(() => t.close());

  const now = () => t.clock.nowSeconds();

  /** The demo SPA's access token for `scope`, bound to `key`. */
  async function boundToken(scope = 'account'): Promise<string> {
    const proof = await signProof(key, { htu: `${issuer}/token`, iat: now() });
    const res = await exchangeWithProof(t, agent, proof, { client: DEMO_SPA, scope });
    expect(res.body.token_type).toBe('DPoP');
    return res.body.access_token as string;
  }

  /** A proof of `key` for `method` `path` with this token's `ath`. */
  const proofFor = (method: string, path: string, accessToken: string, nonce?: string) =>
    signProof(key, {
      htm: method,
      htu: `${issuer}${path}`,
      accessToken,
      iat: now(),
      ...(nonce === undefined ? {} : { nonce }),
    });

  it('accepts a bound token with a proof at /account/methods and /passkeys/registration/options', async () => {
    const token = await boundToken();
    const methods = await t
      .http()
      .get('/account/methods')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', await proofFor('GET', '/account/methods', token));
    expect(methods.status).toBe(200);
    expect(methods.body.sub).toBe(decodeJwt(token).sub);
    const options = await t
      .http()
      .post('/passkeys/registration/options')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', await proofFor('POST', '/passkeys/registration/options', token))
      .send({});
    expect(options.status).toBe(200);
    expect(typeof options.body.challenge).toBe('string');
  });

  it('answers a missing or wrong proof, and a bound token sent as Bearer, with a DPoP challenge', async () => {
    const token = await boundToken();
    expectDpopChallenge(
      await t.http().get('/account/methods').set('Authorization', `DPoP ${token}`),
      401,
      'invalid_dpop_proof',
      'A DPoP proof is required with the DPoP scheme',
    );
    expectDpopChallenge(
      await t
        .http()
        .post('/account/methods/password')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', await proofFor('GET', '/account/methods/password', token))
        .send({ username: 'someone-new', password: 'a-long-enough-password' }),
      401,
      'invalid_dpop_proof',
      'The DPoP proof is for another HTTP method (htm)',
    );
    expectDpopChallenge(
      await t
        .http()
        .post('/passkeys/registration/options')
        .set('Authorization', `Bearer ${token}`)
        .send({}),
      401,
      'invalid_token',
      'The access token is DPoP-bound: send it as "DPoP <token>" with a proof of its key',
    );
  });

  it('names the DPoP scheme in the account’s own refusals: insufficient_scope, an old login', async () => {
    const profileOnly = await boundToken('profile');
    const scopeRefusal = await t
      .http()
      .get('/account/methods')
      .set('Authorization', `DPoP ${profileOnly}`)
      .set('DPoP', await proofFor('GET', '/account/methods', profileOnly));
    expectDpopChallenge(
      scopeRefusal,
      403,
      'insufficient_scope',
      'The access token lacks the account scope, which changing the account requires',
    );
    expect(String(scopeRefusal.headers['www-authenticate'])).toContain('scope="account"');

    const token = await boundToken();
    t.clock.advance(601);
    const stale = await t
      .http()
      .post('/passkeys/registration/options')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', await proofFor('POST', '/passkeys/registration/options', token))
      .send({});
    expectDpopChallenge(
      stale,
      401,
      'insufficient_user_authentication',
      'Changing the account needs a login at most 600 seconds old; sign in again',
    );
    expect(String(stale.headers['www-authenticate'])).toContain('max_age="600"');
  });
});

describe('DPoP nonces at the account endpoints (DPOP_REQUIRE_NONCE=true, RFC 9449 §9)', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25994';
  let key: DpopKey;

  beforeAll(async () => {
    ({ t, agent, key } = await signedInWithDpopKey(issuer, { DPOP_REQUIRE_NONCE: 'true' }));
  });
  afterAll(() => t.close());

  it('asks for a nonce with a DPoP challenge, and hands the next one with an answer', async () => {
    const iat = () => t.clock.nowSeconds();
    const first = await exchangeWithProof(
      t,
      agent,
      await signProof(key, { htu: `${issuer}/token`, iat: iat() }),
      { client: DEMO_SPA, scope: 'account' },
    );
    const nonce = String(first.headers['dpop-nonce']);
    const tokens = await exchangeWithProof(
      t,
      agent,
      await signProof(key, { htu: `${issuer}/token`, iat: iat(), nonce }),
      { client: DEMO_SPA, scope: 'account' },
    );
    const token = tokens.body.access_token as string;
    const methods = (dpopNonce?: string) =>
      signProof(key, {
        htm: 'GET',
        htu: `${issuer}/account/methods`,
        accessToken: token,
        iat: iat(),
        ...(dpopNonce === undefined ? {} : { nonce: dpopNonce }),
      }).then((proof) =>
        t.http().get('/account/methods').set('Authorization', `DPoP ${token}`).set('DPoP', proof),
      );
    const refused = await methods();
    expectRefusal(
      refused,
      401,
      'use_dpop_nonce',
      'A DPoP nonce is required: retry with the one in DPoP-Nonce',
    );
    expect(String(refused.headers['www-authenticate'])).toMatch(
      /^DPoP realm="proofgate", error="use_dpop_nonce"/,
    );
    expect(refused.headers['dpop-nonce']).toBe(nonce);
    // A step later the nonce is the previous one: accepted, and the current one handed over.
    t.clock.advance(60);
    const answered = await methods(nonce);
    expect(answered.status).toBe(200);
    expect(answered.headers['dpop-nonce']).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(answered.headers['dpop-nonce']).not.toBe(nonce);
  });

  it('hands the next nonce at /userinfo too, with its answer and with its insufficient_scope refusal', async () => {
    const iat = () => t.clock.nowSeconds();
    const boundFor = async (scope: string) => {
      const first = await exchangeWithProof(
        t,
        agent,
        await signProof(key, { htu: `${issuer}/token`, iat: iat() }),
        { client: DEMO_SPA, scope },
      );
      const tokens = await exchangeWithProof(
        t,
        agent,
        await signProof(key, {
          htu: `${issuer}/token`,
          iat: iat(),
          nonce: String(first.headers['dpop-nonce']),
        }),
        { client: DEMO_SPA, scope },
      );
      return {
        token: tokens.body.access_token as string,
        nonce: String(first.headers['dpop-nonce']),
      };
    };
    const userinfo = async (token: string, nonce: string) =>
      t
        .http()
        .get('/userinfo')
        .set('Authorization', `DPoP ${token}`)
        .set(
          'DPoP',
          await signProof(key, {
            htm: 'GET',
            htu: `${issuer}/userinfo`,
            accessToken: token,
            iat: iat(),
            nonce,
          }),
        );
    const openid = await boundFor('openid');
    const notOpenid = await boundFor('profile');
    // A step later each proof's nonce is the previous one: accepted, and the current one handed over.
    t.clock.advance(60);
    const answered = await userinfo(openid.token, openid.nonce);
    expect(answered.status).toBe(200);
    expect(answered.body.sub).toEqual(expect.any(String));
    expect(answered.headers['dpop-nonce']).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(answered.headers['dpop-nonce']).not.toBe(openid.nonce);

    const refused = await userinfo(notOpenid.token, notOpenid.nonce);
    expectDpopChallenge(
      refused,
      403,
      'insufficient_scope',
      'The access token was not issued for the openid scope',
    );
    expect(refused.headers['dpop-nonce']).toBe(answered.headers['dpop-nonce']);
  });
});
