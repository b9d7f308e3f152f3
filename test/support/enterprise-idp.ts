/**
 * An enterprise IdP as the JWT-bearer specs trust it (JWT_BEARER_ISSUERS): an ES256 key whose
 * public JWK Set a loopback server serves, and the claims of the ID-JAGs it issues.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, type JWK, type JWTPayload, exportJWK, generateKeyPair } from 'jose';

export const IDP = 'https://idp.example.com';
/** The person the IdP's ID-JAGs are about. */
export const IDP_SUBJECT = 'alice@corp.example';

export interface EnterpriseIdp {
  /** IDP, as JWT_BEARER_ISSUERS names it. */
  readonly issuer: string;
  readonly privateKey: CryptoKey;
  /** `http://127.0.0.1:<port>/jwks`: the set holding the public key. */
  readonly jwksUri: string;
  /** The claims of an ID-JAG of this IdP for `clientId` at `audience` (idJagClaims below). */
  idJagClaims(audience: string, clientId: string): JWTPayload;
  close(): Promise<void>;
}

/**
 * The IdP's key (with `kid` when given) and its JWK Set served on loopback; `otherSets` serves
 * another key at another path instead (`{ '/weak-jwks': jwk }`: a set the key rules refuse).
 */
export async function startEnterpriseIdp(
  options: { kid?: string; otherSets?: Record<string, JWK> } = {},
): Promise<EnterpriseIdp> {
  const pair = await generateKeyPair('ES256');
  const publicJwk: JWK = {
    ...(await exportJWK(pair.publicKey)),
    ...(options.kid === undefined ? {} : { kid: options.kid }),
    alg: 'ES256',
    use: 'sig',
  };
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [options.otherSets?.[req.url ?? ''] ?? publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    issuer: IDP,
    privateKey: pair.privateKey,
    jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    idJagClaims,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The claims of an ID-JAG (RFC 7523 §3, the ID-JAG draft) from IDP about IDP_SUBJECT for the
 * client `clientId` at the authorization server `audience`, issued now and valid five minutes.
 */
function idJagClaims(audience: string, clientId: string): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: IDP,
    sub: IDP_SUBJECT,
    aud: audience,
    client_id: clientId,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
  };
}
