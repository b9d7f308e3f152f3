import { KeyObject, sign as cryptoSign } from 'node:crypto';
import {
  CompactSign,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { verifyAccessTokenJws } from './access-token-jws';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'https://api.example';
const NOW = 1_800_000_000;

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** The options ResourceServer verifies its tokens with. */
const OPTIONS: JWTVerifyOptions = {
  typ: 'at+jwt',
  algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
  issuer: ISSUER,
  audience: AUDIENCE,
  requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
  clockTolerance: 5,
  currentDate: new Date(NOW * 1000),
};

/** What a verification answered: the claims and header, or the error as a caller can tell it. */
async function outcome(verification: Promise<{ payload: unknown; protectedHeader: unknown }>) {
  try {
    const { payload, protectedHeader } = await verification;
    return { payload, protectedHeader };
  } catch (error) {
    const { name, message, code, claim } = error as Record<string, unknown>;
    return { thrown: (error as object).constructor.name, name, message, code, claim };
  }
}

describe('verifyAccessTokenJws (jwtVerify with a node:crypto quick path for ES256)', () => {
  let signer: CryptoKey;
  let verifier: CryptoKey;
  let other: CryptoKey;
  let rsa: CryptoKey;

  beforeAll(async () => {
    ({ privateKey: signer, publicKey: verifier } = await generateKeyPair('ES256', {
      extractable: true,
    }));
    ({ privateKey: other } = await generateKeyPair('ES256'));
    ({ publicKey: rsa } = await generateKeyPair('RS256'));
  });

  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    sub: 'user1',
    aud: AUDIENCE,
    client_id: 'notes-app',
    jti: 'token-1',
    iat: NOW - 10,
    exp: NOW + 600,
    ...overrides,
  });

  function sign(
    payload: unknown,
    header: Record<string, unknown> = { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
    key = signer,
  ): Promise<string> {
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    return new CompactSign(bytes).setProtectedHeader(header as { alg: string }).sign(key);
  }

  const resolving =
    (key: unknown): JWTVerifyGetKey =>
    () =>
      Promise.resolve(key as CryptoKey);

  /** Both verifications of `token`, which must answer the same. */
  async function expectJoseAnswer(
    token: string,
    getKey: JWTVerifyGetKey = resolving(verifier),
    options: JWTVerifyOptions = OPTIONS,
  ) {
    const quick = await outcome(verifyAccessTokenJws(token, getKey, options));
    const jose = await outcome(jwtVerify(token, getKey, options));
    expect(quick).toEqual(jose);
    return quick;
  }

  it('checks the common token by node:crypto, not WebCrypto, and answers as jwtVerify', async () => {
    const token = await sign(claims());
    const webCrypto = jest.spyOn(crypto.subtle, 'verify');
    try {
      const answer = await outcome(verifyAccessTokenJws(token, resolving(verifier), OPTIONS));
      expect(webCrypto).not.toHaveBeenCalled();
      expect(answer).toEqual({
        payload: claims(),
        protectedHeader: { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
      });
    } finally {
      webCrypto.mockRestore();
    }
    await expectJoseAnswer(token);
  });

  it('asks the key resolver once, with the header and segments jose gives it', async () => {
    const token = await sign(claims());
    const [protectedSegment, payload, signature] = token.split('.');
    const getKey = jest.fn(resolving(verifier));
    await verifyAccessTokenJws(token, getKey, OPTIONS);
    expect(getKey.mock.calls).toEqual([
      [
        { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
        { payload, protected: protectedSegment, signature },
      ],
    ]);
  });

  it.each([
    ['expired', { exp: NOW - 10 }],
    ['of another audience', { aud: 'https://other.example' }],
    ['of another issuer', { iss: 'https://other.example' }],
    ['not valid yet', { nbf: NOW + 60 }],
    ['without its client_id', { client_id: undefined }],
    ['with a text iat', { iat: 'yesterday' }],
  ])('refuses a well-signed token %s with jose’s own error', async (_, overrides) => {
    const answer = await expectJoseAnswer(await sign(claims(overrides)));
    expect(answer).toHaveProperty('thrown');
  });

  it('refuses claims that are no JSON object, as jose does', async () => {
    expect(await expectJoseAnswer(await sign(['not', 'an', 'object']))).toHaveProperty('thrown');
  });

  it.each([
    ['JWT', false],
    ['application/at+jwt', true],
  ])('reads the header typ %s as jose does', async (typ, accepted) => {
    const token = await sign(claims(), { alg: 'ES256', typ, kid: 'k1' });
    expect('payload' in (await expectJoseAnswer(token))).toBe(accepted);
  });

  it('refuses a token signed by another key: jose decides, and says why', async () => {
    const answer = await expectJoseAnswer(await sign(claims(), undefined, other));
    expect(answer).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses a signature with one byte changed', async () => {
    const token = await sign(claims());
    const at = token.length - 20;
    const changed = token[at] === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, at)}${changed}${token.slice(at + 1)}`;
    expect(await expectJoseAnswer(tampered)).toHaveProperty('thrown');
  });

  it('leaves a header with other members, a crit among them, to jose', async () => {
    const extra = await sign(claims(), { alg: 'ES256', typ: 'at+jwt', kid: 'k1', x5t: 'abc' });
    expect(await expectJoseAnswer(extra)).toHaveProperty('payload');
    // jose signs no crit it does not know: signed here by node:crypto.
    const header = { alg: 'ES256', typ: 'at+jwt', crit: ['exp'], exp: 1 };
    const input = [header, claims()].map((part) => base64url(JSON.stringify(part))).join('.');
    const signature = cryptoSign('sha256', Buffer.from(input), {
      key: KeyObject.from(signer),
      dsaEncoding: 'ieee-p1363',
    });
    const crit = `${input}.${signature.toString('base64url')}`;
    expect(await expectJoseAnswer(crit)).toMatchObject({ code: 'ERR_JOSE_NOT_SUPPORTED' });
  });

  it('refuses ES256 where the options do not allow it, before asking for a key', async () => {
    const getKey = jest.fn(resolving(verifier));
    const options = { ...OPTIONS, algorithms: ['RS256'] };
    const answer = await expectJoseAnswer(await sign(claims()), getKey, options);
    expect(answer).toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    expect(getKey).not.toHaveBeenCalled();
  });

  it('answers as jose when the key resolved is not a public P-256 key', async () => {
    const token = await sign(claims());
    expect(await expectJoseAnswer(token, resolving(rsa))).toHaveProperty('thrown');
    expect(await expectJoseAnswer(token, resolving(signer))).toHaveProperty('thrown');
  });

  it('leaves a non-extractable key to jose, never KeyObject.from (DEP0204), and answers as it', async () => {
    const token = await sign(claims());
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', verifier);
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const sealed = await crypto.subtle.importKey('jwk', { kty, crv, x, y }, algorithm, false, [
      'verify',
    ]);
    const from = jest.spyOn(KeyObject, 'from');
    try {
      expect(await expectJoseAnswer(token, resolving(sealed))).toHaveProperty('payload');
      expect(from).not.toHaveBeenCalled();
    } finally {
      from.mockRestore();
    }
  });

  it('lets the key resolver’s own error through, as jose does', async () => {
    const failing: JWTVerifyGetKey = () => Promise.reject(new Error('keys unavailable'));
    expect(await expectJoseAnswer(await sign(claims()), failing)).toMatchObject({
      thrown: 'Error',
      message: 'keys unavailable',
    });
  });
});
