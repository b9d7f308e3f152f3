/**
 * Two instances on one database, as a fleet runs: a DPoP proof spent on one instance is refused
 * by the other (its `jti` lives in the shared challenge store), a nonce of one is accepted by the
 * other (an HMAC under the fleet's shared secret), and a request_uri pushed to one is used once,
 * on whichever instance the browser lands.
 */
import request from 'supertest';
import { DEMO_SPA, login, pushAuthorizationRequest, type Agent } from '../../support/oauth';
import { TestApp } from '../../support/test-app';
import { dpopKey, exchangeWithProof, signProof, type DpopKey } from '../../support/dpop';
import { ipIssuer } from '../../support/ip-issuer';
import { useTwoInstances } from '../../support/two-instances';
import { expectRefusal } from '../../support/refusal';

describe('proofs of possession across two instances on one database', () => {
  const issuer = 'http://127.0.0.1:25994';
  const env = { ...ipIssuer(issuer), DPOP_REQUIRE_NONCE: 'true' };
  const instances = useTwoInstances(env);
  let a: TestApp;
  let b: TestApp;
  let agentA: Agent;
  let agentB: Agent;
  let key: DpopKey;

  beforeAll(async () => {
    ({ a, b } = instances);
    agentA = request.agent(a.app.getHttpServer());
    agentB = request.agent(b.app.getHttpServer());
    await login(agentA);
    await login(agentB);
    key = await dpopKey();
  });

  it('refuses on one instance a /token proof spent on the other, with a nonce from either', async () => {
    const refused = await exchangeWithProof(
      a,
      agentA,
      await signProof(key, { htu: `${issuer}/token` }),
    );
    expect(refused.body.error).toBe('use_dpop_nonce');
    // The nonce instance A handed out is good on instance B: one secret, no shared state.
    const nonce = String(refused.headers['dpop-nonce']);
    const proof = await signProof(key, { htu: `${issuer}/token`, nonce });
    expect((await exchangeWithProof(b, agentB, proof)).status).toBe(200);
    const replay = await exchangeWithProof(a, agentA, proof);
    expectRefusal(
      replay,
      400,
      'invalid_dpop_proof',
      'The DPoP proof was already used (jti replay)',
    );
  });

  it('refuses on one instance an /api/me proof spent on the other', async () => {
    const nonce = String(
      (await exchangeWithProof(a, agentA, await signProof(key, { htu: `${issuer}/token` })))
        .headers['dpop-nonce'],
    );
    const tokens = await exchangeWithProof(
      a,
      agentA,
      await signProof(key, { htu: `${issuer}/token`, nonce }),
    );
    const accessToken = tokens.body.access_token as string;
    const proof = await signProof(key, {
      htm: 'GET',
      htu: `${issuer}/api/me`,
      accessToken,
      nonce,
    });
    const me = (t: TestApp) =>
      t.http().get('/api/me').set('Authorization', `DPoP ${accessToken}`).set('DPoP', proof);
    expect((await me(a)).status).toBe(200);
    const replay = await me(b);
    expectRefusal(
      replay,
      401,
      'invalid_dpop_proof',
      'The DPoP proof was already used (jti replay)',
    );
    expect(String(replay.headers['www-authenticate'])).toMatch(/^DPoP /);
  });

  it('uses a request_uri pushed to one instance on the other, once', async () => {
    const requestUri = await pushAuthorizationRequest(a);
    const path = `/authorize?${new URLSearchParams({
      client_id: DEMO_SPA.id,
      request_uri: requestUri,
    }).toString()}`;
    const first = await agentB.get(path);
    expect(first.status).toBe(302);
    expect(new URL(first.headers.location).searchParams.get('code')).toBeTruthy();
    const again = await agentA.get(path).set('Accept', 'application/json');
    expectRefusal(again, 400, 'invalid_request_uri', 'request_uri was already used');
  });
});
