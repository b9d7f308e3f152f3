/**
 * Project Wycheproof's malformed signatures in DPoP proofs at /token: a real proof's signature
 * replaced by a P-256 P1363 vector's (an r = 0, an r + n too long for 32 bytes, a 2-byte
 * signature), on jose's path (a key never seen) and on the quick path (a key remembered after an
 * authorised request), and a real Ed25519 proof whose S is replaced by S + L. Each is a 400
 * invalid_dpop_proof in the one error envelope, never a token, never a 5xx. Every vector of every
 * file runs in dpop-signature.wycheproof.spec.ts.
 */
import request from 'supertest';
import { dpopKey, exchangeWithProof, signProof, type DpopKey } from '../../support/dpop';
import { ipIssuer } from '../../support/ip-issuer';
import { DEMO_SPA, login, type Agent } from '../../support/oauth';
import {
  P1363_CORNER_CASES,
  p1363CornerCase,
  withJwsSignature,
  withSPlusL,
} from '../../support/wycheproof-vectors';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://127.0.0.1:25998';
const HTU = `${ISSUER}/token`;
const REFUSED = {
  error: 'invalid_dpop_proof',
  error_description: 'The DPoP proof is invalid (signature)',
};

describe('DPoP proofs: Wycheproof corner cases over HTTP', () => {
  let agent: Agent;

  const t = useTestApp({ ...ipIssuer(ISSUER), DPOP_REQUIRE_NONCE: 'false' });
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  const exchange = (dpop: string) => exchangeWithProof(t, agent, dpop, { client: DEMO_SPA });

  async function expectRefusedVectors(key: DpopKey): Promise<void> {
    for (const [tcId, flag] of P1363_CORNER_CASES) {
      const proof = withJwsSignature(
        await signProof(key, { htu: HTU }),
        p1363CornerCase(tcId, flag),
      );
      const res = await exchange(proof);
      expect({ tcId, status: res.status, body: res.body }).toEqual({
        tcId,
        status: 400,
        body: REFUSED,
      });
    }
  }

  it('ES256: refused on jose’s path, and on the quick path once the key is remembered', async () => {
    const key = await dpopKey('ES256');
    await expectRefusedVectors(key);
    // An authorised request: its key is remembered, and its next proofs take the quick path.
    expect((await exchange(await signProof(key, { htu: HTU }))).status).toBe(200);
    await expectRefusedVectors(key);
  });

  it('EdDSA: a real proof whose S is replaced by S + L (SignatureMalleability)', async () => {
    const key = await dpopKey('EdDSA');
    const proof = await signProof(key, { htu: HTU }, { alg: 'EdDSA' });
    const signature = Buffer.from(proof.slice(proof.lastIndexOf('.') + 1), 'base64url');
    const malleated = Buffer.from(withSPlusL(signature));
    const res = await exchange(withJwsSignature(proof, malleated.toString('base64url')));
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: REFUSED });
    expect((await exchange(proof)).status).toBe(200);
  });
});
