/**
 * Project Wycheproof's malformed signatures in ID-JAGs at /token (RFC 7523 §2.1): a real ES256
 * assertion of a trusted IdP whose signature is replaced by a P-256 P1363 vector's (an r = 0, an
 * r + n too long for 32 bytes, a 2-byte signature). Each is a 400 invalid_grant in the one error
 * envelope, never a token, never a 5xx. Every vector of every file runs in
 * jwt-bearer.wycheproof.spec.ts.
 */
import { SignJWT } from 'jose';
import { type EnterpriseIdp, startEnterpriseIdp } from '../../support/enterprise-idp';
import { basic } from '../../support/oauth';
import { TestApp, createTestApp } from '../../support/test-app';
import {
  P1363_CORNER_CASES,
  p1363CornerCase,
  withJwsSignature,
} from '../../support/wycheproof-vectors';

const ISSUER = 'http://localhost:25000';
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AGENT = { id: 'enterprise-agent', secret: 'enterprise-agent-secret-1234' };
const CALENDAR = 'https://calendar.example.com/';
const REFUSED = {
  error: 'invalid_grant',
  error_description: "The assertion's signature is invalid",
};

describe('ID-JAGs: Wycheproof corner cases over HTTP', () => {
  let t: TestApp;
  let idp: EnterpriseIdp;

  beforeAll(async () => {
    idp = await startEnterpriseIdp();
    t = await createTestApp({
      ISSUER,
      JWT_BEARER_ISSUERS: JSON.stringify([{ issuer: idp.issuer, jwks_uri: idp.jwksUri }]),
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: AGENT.id,
          client_secret: AGENT.secret,
          grant_types: [GRANT],
          resources: [CALENDAR],
        },
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  async function idJag(): Promise<string> {
    return new SignJWT({ ...idp.idJagClaims(ISSUER, AGENT.id), resource: CALENDAR, scope: 'api' })
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt' })
      .sign(idp.privateKey);
  }

  const grant = (assertion: string) =>
    t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(AGENT.id, AGENT.secret))
      .send({ grant_type: GRANT, assertion });

  it.each(P1363_CORNER_CASES)(
    'vector %i (%s) as the signature: 400 invalid_grant',
    async (tcId, flag) => {
      const res = await grant(withJwsSignature(await idJag(), p1363CornerCase(tcId, flag)));
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: REFUSED });
    },
  );

  it('the ID-JAG as the IdP signed it is granted (the control)', async () => {
    expect((await grant(await idJag())).status).toBe(200);
  });
});
