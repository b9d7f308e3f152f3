/**
 * `/challenge-models` gains a section of its own for the two proofs of possession: their shape,
 * what they keep in the challenge store and cost, this deployment's settings, and live figures
 * fed by the same events as the login models' (accepted proofs, refusals by reason, request_uris).
 */
import request from 'supertest';
import { DEMO_SPA, login, obtainCode, pkcePair, type Agent } from '../../support/oauth';
import { TestApp, createTestApp } from '../../support/test-app';
import { dpopKey, signProof } from '../../support/dpop';
import { ipIssuer } from '../../support/ip-issuer';

describe('/challenge-models: DPoP and PAR beside the login models', () => {
  let t: TestApp;
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25993';

  beforeAll(async () => {
    t = await createTestApp({ ...ipIssuer(issuer), FIGURES_FLUSH_MS: '100' });
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(() => t.close());

  async function exchange(proof: string) {
    const { code, verifier } = await obtainCode(agent, {
      client_id: DEMO_SPA.id,
      redirect_uri: DEMO_SPA.redirectUri,
    });
    return t.http().post('/token').type('form').set('DPoP', proof).send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: DEMO_SPA.redirectUri,
      code_verifier: verifier,
      client_id: DEMO_SPA.id,
    });
  }

  it('describes both, separately from the login models', async () => {
    const res = await t.http().get('/challenge-models').expect(200);
    const models = res.body.models as { id: string }[];
    expect(models.map((m) => m.id)).toEqual(['pkce', 'siwe', 'passkey', 'siws']);
    const [dpop, par] = res.body.proof_of_possession;
    expect(dpop).toMatchObject({
      id: 'dpop',
      store: { challenge_kind: 'dpop_jti', lifetime_seconds: 65 },
    });
    expect(dpop.store.settings.nonce).toContain('DPOP_REQUIRE_NONCE=false');
    expect(dpop.threats.stops).toContain(
      'a proof replayed: its jti is recorded once for the whole fleet',
    );
    expect(par).toMatchObject({
      id: 'par',
      store: { challenge_kind: 'par_request_uri', lifetime_seconds: 60 },
    });
  });

  it('counts accepted proofs, refusals by reason, and pushed requests', async () => {
    const key = await dpopKey();
    const proof = await signProof(key, { htu: `${issuer}/token` });
    expect((await exchange(proof)).status).toBe(200);
    expect((await exchange(proof)).status).toBe(400);
    expect((await exchange(await signProof(key, { htu: `${issuer}/x` }))).status).toBe(400);
    await t
      .http()
      .post('/par')
      .type('form')
      .send({
        client_id: DEMO_SPA.id,
        redirect_uri: DEMO_SPA.redirectUri,
        response_type: 'code',
        state: 'st',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      })
      .expect(201);
    const res = await t.http().get('/challenge-models').expect(200);
    const [dpop, par] = res.body.proof_of_possession;
    expect(dpop.figures.since_start).toMatchObject({
      issued: 1,
      redeemed: 1,
      rejected: { total: 2, by_reason: { htu_mismatch: 1, replay: 1 } },
    });
    expect(par.figures.live).toBe(1);
    expect(par.figures.since_start.issued).toBe(1);
  });
});
