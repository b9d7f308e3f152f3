/**
 * The machine-client phase: `client_credentials` (RFC 6749 §4.4) with `private_key_jwt` client
 * authentication (RFC 7523 §2.2, OpenID Connect Core §9) at /token, for Proofgate and for
 * node-oidc-provider alike. One ES256 key per run, as a client keeps one; every request carries
 * an assertion of its own (a fresh `jti`: both servers refuse a replayed one), signed with
 * node:crypto before the phase, so that the load generator only sends what was prepared.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { RequestSpec } from '../loadgen/protocol';

/** The client both servers register: confidential, client_credentials only, its public key inline. */
export const MACHINE_CLIENT_ID = 'bench-machine';
/** The scope it asks for: Proofgate's API scope, which oidc-provider is configured to know too. */
export const MACHINE_CLIENT_SCOPE = 'api';
/** How long an assertion is valid: within Proofgate's bound (300 s), longer than any phase. */
export const ASSERTION_LIFETIME_SECONDS = 240;

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface MachineClientKey {
  readonly privateKey: KeyObject;
  readonly kid: string;
  /** The public JWK as registered (`jwks`), with `kid`, `alg` and `use`. */
  readonly publicJwk: {
    kty: string;
    crv: string;
    x: string;
    y: string;
    kid: string;
    alg: 'ES256';
    use: 'sig';
  };
}

export function machineClientKey(): MachineClientKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const kid = 'bench-machine-es256';
  return {
    privateKey,
    kid,
    publicJwk: { kty: kty!, crv: crv!, x: x!, y: y!, kid, alg: 'ES256', use: 'sig' },
  };
}

/** The client as each server registers it (OAUTH_CLIENTS for Proofgate, `clients` for oidc-provider). */
export function machineClientMetadata(key: MachineClientKey): Record<string, unknown> {
  return {
    client_id: MACHINE_CLIENT_ID,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [key.publicJwk] },
  };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * A client assertion (RFC 7523 §3): `iss` = `sub` = the client, `aud` the server's issuer,
 * `jti` fresh, `iat` now and `exp` ASSERTION_LIFETIME_SECONDS later; ES256, with `kid`.
 */
export function clientAssertion(
  key: MachineClientKey,
  audience: string,
  now = Math.floor(Date.now() / 1000),
): string {
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: key.kid }));
  const payload = b64url(
    JSON.stringify({
      iss: MACHINE_CLIENT_ID,
      sub: MACHINE_CLIENT_ID,
      aud: audience,
      jti: randomUUID(),
      iat: now,
      exp: now + ASSERTION_LIFETIME_SECONDS,
    }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${payload}.${b64url(signature)}`;
}

/**
 * `n` token requests, each with an assertion of its own for `origin` (both servers' issuer
 * identifier: the one `aud` rfc7523bis leaves, which both accept): form-encoded, as RFC 6749
 * §4.4.2 and RFC 7523 §2.2 say.
 */
export function clientCredentialsRequests(
  key: MachineClientKey,
  origin: string,
  n: number,
): RequestSpec[] {
  const audience = origin;
  return Array.from({ length: n }, () => ({
    method: 'POST',
    path: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: MACHINE_CLIENT_SCOPE,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: clientAssertion(key, audience),
    }).toString(),
  }));
}

/**
 * Both servers answer with a signed JWT access token (RFC 9068 for Proofgate, oidc-provider's
 * `jwt` format for its resource): checked on every answer, so that the comparison stays between
 * two servers doing the same work (an opaque, stored token would be another workload).
 */
export function checkJwtAccessTokens(tokens: readonly string[], side: string): void {
  const notJwt = tokens.filter((token) => !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token));
  if (tokens.length === 0 || notJwt.length > 0) {
    throw new Error(
      `${side}: ${notJwt.length} of ${tokens.length} client_credentials access tokens are not JWTs`,
    );
  }
  const header = JSON.parse(Buffer.from(tokens[0].split('.')[0], 'base64url').toString()) as {
    alg?: string;
  };
  if (header.alg !== 'ES256') throw new Error(`${side}: access tokens signed with ${header.alg}`);
}
