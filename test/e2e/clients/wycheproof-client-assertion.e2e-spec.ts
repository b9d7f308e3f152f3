/**
 * Project Wycheproof's malformed signatures in `private_key_jwt` client assertions at /token: a
 * real ES256 assertion whose signature is replaced by a P-256 P1363 vector's (an r = 0, an r + n
 * too long for 32 bytes, a 2-byte signature), and a real EdDSA assertion whose S is replaced by
 * S + L. Each is a 401 invalid_client in the one error envelope, never a token, never a 5xx.
 * Every vector of every file runs in assertion-jws.wycheproof.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { TestApp, createTestApp } from '../../support/test-app';
import {
  P1363_CORNER_CASES,
  p1363CornerCase,
  withJwsSignature,
  withSPlusL,
} from '../../support/wycheproof-vectors';

const ISSUER = 'http://localhost:25000';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const REFUSED = {
  error: 'invalid_client',
  error_description: 'client_assertion signature is invalid',
};

describe('client assertions: Wycheproof corner cases over HTTP', () => {
  let t: TestApp;
  const keys = new Map<string, CryptoKey>();

  beforeAll(async () => {
    const clients = [];
    for (const alg of ['ES256', 'EdDSA']) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      keys.set(alg, privateKey);
      clients.push({
        client_id: `agent-${alg.toLowerCase()}`,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [await exportJWK(publicKey)] },
      });
    }
    t = await createTestApp({ ISSUER, OAUTH_CLIENTS: JSON.stringify(clients) });
  });
  afterAll(() => t.close());

  async function assertion(alg: string): Promise<string> {
    const clientId = `agent-${alg.toLowerCase()}`;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: clientId,
      sub: clientId,
      aud: ISSUER,
      exp: now + 60,
      jti: randomUUID(),
    })
      .setProtectedHeader({ alg })
      .setIssuedAt(now)
      .sign(keys.get(alg)!);
  }

  const token = (clientAssertion: string) =>
    t.http().post('/token').type('form').send({
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
    });

  it.each(P1363_CORNER_CASES)(
    'ES256, vector %i (%s) as the signature: 401 invalid_client',
    async (tcId, flag) => {
      const res = await token(
        withJwsSignature(await assertion('ES256'), p1363CornerCase(tcId, flag)),
      );
      expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: REFUSED });
    },
  );

  it('EdDSA: a real assertion whose S is replaced by S + L (SignatureMalleability): 401', async () => {
    const jws = await assertion('EdDSA');
    const signature = Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
    const malleated = Buffer.from(withSPlusL(signature));
    const res = await token(withJwsSignature(jws, malleated.toString('base64url')));
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: REFUSED });
    // The control: the assertion as signed authenticates the client.
    expect((await token(jws)).status).toBe(200);
  });
});
