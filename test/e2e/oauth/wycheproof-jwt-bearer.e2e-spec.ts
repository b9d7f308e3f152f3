/**
 * Project Wycheproof's malformed signatures in ID-JAGs at /token (RFC 7523 §2.1): a real ES256
 * assertion of a trusted IdP whose signature is replaced by a P-256 P1363 vector's (an r = 0, an
 * r + n too long for 32 bytes, a 2-byte signature). Each is a 400 invalid_grant in the one error
 * envelope, never a token, never a 5xx. Every vector of every file runs in
 * jwt-bearer.wycheproof.spec.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
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
const IDP = 'https://idp.example.com';
const REFUSED = {
  error: 'invalid_grant',
  error_description: "The assertion's signature is invalid",
};

describe('ID-JAGs: Wycheproof corner cases over HTTP', () => {
  let t: TestApp;
  let jwks: Server;
  let idpKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    idpKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      ISSUER,
      JWT_BEARER_ISSUERS: JSON.stringify([
        { issuer: IDP, jwks_uri: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` },
      ]),
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
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  });

  async function idJag(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: IDP,
      sub: 'alice@corp.example',
      aud: ISSUER,
      client_id: AGENT.id,
      jti: randomUUID(),
      iat: now,
      exp: now + 300,
      resource: CALENDAR,
      scope: 'api',
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt' })
      .sign(idpKey);
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
