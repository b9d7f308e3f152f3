import { generateKeyPairSync, sign as signWithNode } from 'node:crypto';
import {
  CompactSign,
  SignJWT,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { verifyAssertionJws, type AssertionJwsChecks } from './assertion-jws';

const NOW = 1_767_225_600;
const ISSUER = 'https://auth.example.com';
const CHECKS: AssertionJwsChecks = {
  clientId: 'agent',
  audience: ISSUER,
  nowSeconds: NOW,
  clockToleranceSeconds: 30,
};
/** What jwtVerify was asked before: the reference these checks must agree with. */
const JOSE_OPTIONS = {
  algorithms: ['ES256', 'PS256', 'RS256', 'EdDSA'],
  issuer: 'agent',
  subject: 'agent',
  audience: ISSUER,
  requiredClaims: ['exp', 'jti'],
  clockTolerance: 30,
  currentDate: new Date(NOW * 1000),
};

const CLAIMS = {
  iss: 'agent',
  sub: 'agent',
  aud: ISSUER,
  iat: NOW,
  exp: NOW + 60,
  jti: 'a-jti',
};

interface Pair {
  privateKey: CryptoKey;
  keys: JWTVerifyGetKey;
  jwk: JWK;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function pair(alg: 'ES256' | 'PS256' | 'RS256' | 'EdDSA'): Promise<Pair> {
  const generated = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(generated.publicKey)), kid: `${alg}-key` };
  return { privateKey: generated.privateKey, jwk, keys: createLocalJWKSet({ keys: [jwk] }) };
}

const sign = (key: Pair, alg: string, claims: Record<string, unknown> = CLAIMS, header = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg, ...header }).sign(key.privateKey);

/** The error (class and claim) an outcome ends with, or 'accepted'. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    if (error instanceof errors.JWTClaimValidationFailed) {
      return `${error.constructor.name}:${error.claim}:${error.reason}`;
    }
    if (error instanceof errors.JOSEError) return error.constructor.name;
    throw error;
  }
}

const ours = (assertion: string, keys: JWTVerifyGetKey) =>
  outcome(() => verifyAssertionJws(assertion, decodeProtectedHeader(assertion), keys, CHECKS));
const jose = (assertion: string, keys: JWTVerifyGetKey) =>
  outcome(() => jwtVerify(assertion, keys, JOSE_OPTIONS));

describe('verifyAssertionJws (RFC 7515, RFC 7518, RFC 7523 §3)', () => {
  let es256: Pair;

  beforeAll(async () => {
    es256 = await pair('ES256');
  });

  it.each(['ES256', 'PS256', 'RS256', 'EdDSA'] as const)(
    'accepts an assertion signed by jose with %s and returns its claims',
    async (alg) => {
      const key = alg === 'ES256' ? es256 : await pair(alg);
      const assertion = await sign(key, alg, CLAIMS, { kid: key.jwk.kid });
      await expect(
        verifyAssertionJws(assertion, decodeProtectedHeader(assertion), key.keys, CHECKS),
      ).resolves.toEqual(CLAIMS);
    },
  );

  it('refuses a changed payload, a signature by another key, and a truncated signature', async () => {
    const assertion = await sign(es256, 'ES256');
    const [header, , signature] = assertion.split('.');
    const changed = Buffer.from(JSON.stringify({ ...CLAIMS, jti: 'another' })).toString(
      'base64url',
    );
    const other = await pair('ES256');
    const byOther = await sign(other, 'ES256');
    for (const forged of [
      `${header}.${changed}.${signature}`,
      `${header}.${byOther.split('.')[1]}.${byOther.split('.')[2]}`,
      `${assertion.slice(0, -4)}`,
    ]) {
      expect(await ours(forged, es256.keys)).toBe('JWSSignatureVerificationFailed');
      expect(await jose(forged, es256.keys)).toBe('JWSSignatureVerificationFailed');
    }
  });

  it('refuses an RSA key shorter than 2048 bits as unsupported (jose threw a TypeError)', async () => {
    // jose will not make one: node:crypto makes and signs with it.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keys = createLocalJWKSet({ keys: [publicKey.export({ format: 'jwk' })] });
    const input = `${encode({ alg: 'RS256' })}.${encode(CLAIMS)}`;
    const signature = signWithNode('sha256', Buffer.from(input), privateKey);
    const assertion = `${input}.${signature.toString('base64url')}`;
    expect(await ours(assertion, keys)).toBe('JOSENotSupported');
    await expect(jwtVerify(assertion, keys, JOSE_OPTIONS)).rejects.toThrow(
      'RS256 requires key modulusLength to be 2048 bits or larger',
    );
  });

  it('refuses a header with crit or b64 (no extension is understood)', async () => {
    const payload = new TextEncoder().encode(JSON.stringify(CLAIMS));
    const critical = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'ES256', crit: ['b64'], b64: true })
      .sign(es256.privateKey);
    expect(await ours(critical, es256.keys)).toBe('JWSInvalid');
  });

  it('refuses an alg outside the allow-list before asking the key set', async () => {
    const keys = jest.fn(es256.keys);
    const assertion = await sign(es256, 'ES256');
    const header = { ...decodeProtectedHeader(assertion), alg: 'HS256' };
    await expect(verifyAssertionJws(assertion, header, keys, CHECKS)).rejects.toBeInstanceOf(
      errors.JOSEAlgNotAllowed,
    );
    expect(keys).not.toHaveBeenCalled();
  });

  it('reports a key the set does not have as jose does (the jwks_uri refresh keys on it)', async () => {
    const assertion = await sign(es256, 'ES256', CLAIMS, { kid: 'unknown' });
    expect(await ours(assertion, es256.keys)).toBe('JWKSNoMatchingKey');
    expect(await jose(assertion, es256.keys)).toBe('JWKSNoMatchingKey');
  });

  it.each<[string, Record<string, unknown>]>([
    ['no jti', { jti: undefined }],
    ['no exp', { exp: undefined }],
    ['no aud', { aud: undefined }],
    ['no iss', { iss: undefined }],
    ['no sub', { sub: undefined }],
    ['another iss', { iss: 'someone' }],
    ['another sub', { sub: 'someone' }],
    ['another aud', { aud: 'https://elsewhere.example' }],
    ['the token endpoint as aud', { aud: `${ISSUER}/token` }],
    ['aud as an array without ours', { aud: ['https://elsewhere.example'] }],
    ['aud a number', { aud: 7 }],
    ['expired beyond the skew', { exp: NOW - 31 }],
    ['expired within the skew', { exp: NOW - 29 }],
    ['exp exactly now minus the skew', { exp: NOW - 30 }],
    ['exp a string', { exp: String(NOW + 60) }],
    ['nbf ahead beyond the skew', { nbf: NOW + 31 }],
    ['nbf ahead within the skew', { nbf: NOW + 30 }],
    ['nbf a string', { nbf: 'soon' }],
    ['iat a string', { iat: 'now' }],
    ['iat in the future (checked by the verifier, not here)', { iat: NOW + 3600 }],
    ['jti a number (checked by the verifier, not here)', { jti: 5 }],
  ])('agrees with jwtVerify on %s', async (_case, change) => {
    const claims: Record<string, unknown> = { ...CLAIMS, ...change };
    for (const [name, value] of Object.entries(change))
      if (value === undefined) delete claims[name];
    const assertion = await sign(es256, 'ES256', claims);
    expect(await ours(assertion, es256.keys)).toBe(await jose(assertion, es256.keys));
  });

  it('refuses an aud array even when it holds the issuer, which jwtVerify accepts (rfc7523bis)', async () => {
    for (const aud of [[ISSUER], ['https://elsewhere.example', ISSUER]]) {
      const assertion = await sign(es256, 'ES256', { ...CLAIMS, aud });
      expect(await ours(assertion, es256.keys)).toBe('JWTClaimValidationFailed:aud:check_failed');
      expect(await jose(assertion, es256.keys)).toBe('accepted');
    }
  });

  it('agrees with jwtVerify on a payload that is no JSON object', async () => {
    for (const body of ['[1,2]', '"agent"', 'not json', 'null']) {
      const assertion = await new CompactSign(new TextEncoder().encode(body))
        .setProtectedHeader({ alg: 'ES256' })
        .sign(es256.privateKey);
      expect(await ours(assertion, es256.keys)).toBe('JWTInvalid');
      expect(await jose(assertion, es256.keys)).toBe('JWTInvalid');
    }
  });
});
