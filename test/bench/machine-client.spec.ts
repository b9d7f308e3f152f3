import { createPublicKey, verify } from 'node:crypto';
import {
  ASSERTION_LIFETIME_SECONDS,
  CLIENT_ASSERTION_TYPE,
  MACHINE_CLIENT_ID,
  checkJwtAccessTokens,
  clientAssertion,
  clientCredentialsRequests,
  machineClientKey,
  machineClientMetadata,
} from '../../bench/lib/machine-client';

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

describe('bench machine-client phase', () => {
  const key = machineClientKey();

  it('registers a client_credentials client with private_key_jwt and only its public key', () => {
    const metadata = machineClientMetadata(key);
    expect(metadata).toMatchObject({
      client_id: MACHINE_CLIENT_ID,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
    });
    const [jwk] = (metadata.jwks as { keys: Record<string, unknown>[] }).keys;
    expect(jwk).toEqual({ ...key.publicJwk });
    expect(jwk).not.toHaveProperty('d');
  });

  it('signs an RFC 7523 assertion the registered public key verifies', () => {
    const now = 1_800_000_000;
    const jwt = clientAssertion(key, 'http://127.0.0.1:4000', now);
    const [header, payload, signature] = jwt.split('.');
    expect(decode(header)).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
    expect(decode(payload)).toEqual({
      iss: MACHINE_CLIENT_ID,
      sub: MACHINE_CLIENT_ID,
      aud: 'http://127.0.0.1:4000',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: now,
      exp: now + ASSERTION_LIFETIME_SECONDS,
    });
    // Within the 300 s Proofgate allows (src/clients/assertion/private-key-jwt.proof.ts).
    expect(ASSERTION_LIFETIME_SECONDS).toBeLessThanOrEqual(300);
    const publicKey = createPublicKey({ key: { ...key.publicJwk }, format: 'jwk' });
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });

  it('prepares one form-encoded token request per assertion, each with a jti of its own', () => {
    const requests = clientCredentialsRequests(key, 'http://127.0.0.1:4000', 3);
    expect(requests).toHaveLength(3);
    const forms = requests.map((request) => {
      expect(request).toMatchObject({
        method: 'POST',
        path: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return new URLSearchParams(request.body);
    });
    for (const form of forms) {
      expect(form.get('grant_type')).toBe('client_credentials');
      expect(form.get('scope')).toBe('api');
      expect(form.get('client_assertion_type')).toBe(CLIENT_ASSERTION_TYPE);
      expect(form.has('client_id')).toBe(false);
      expect(decode(form.get('client_assertion')!.split('.')[1]).aud).toBe('http://127.0.0.1:4000');
    }
    const jtis = forms.map((form) => decode(form.get('client_assertion')!.split('.')[1]).jti);
    expect(new Set(jtis).size).toBe(3);
  });
});

describe('the machine-client phase checks both servers issue ES256 JWT access tokens', () => {
  const jwt = (header: object) =>
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.c2ln`;

  it('accepts ES256 JWTs', () => {
    expect(() => checkJwtAccessTokens([jwt({ alg: 'ES256' })], 'x')).not.toThrow();
  });

  it.each([
    [['opaque-token'], '1 of 1 client_credentials access tokens are not JWTs'],
    [[], '0 of 0'],
    [[jwt({ alg: 'RS256' })], 'access tokens signed with RS256'],
  ])('refuses %j', (tokens, message) => {
    expect(() => checkJwtAccessTokens(tokens, 'oidc-provider')).toThrow(message);
  });
});
