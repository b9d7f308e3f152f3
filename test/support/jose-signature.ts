import { dirname, join } from 'node:path';
import type { CryptoKey } from 'jose';

/**
 * jose's own signature step, for a signing input of any bytes. `jwtVerify` (DPoP proofs, ID-JAGs
 * and other JWT bearer assertions) ends in jose's `verifySignature` (dist/webapi/lib/jws_verify.js),
 * which decides a JWS's signature in four lines:
 *
 *     entry = jwsAlgorithm(alg)
 *     cryptoKey = await rawKey(await prepareKey(entry, key, 'verify'), entry.subtle, 'verify')
 *     entry.minRsaBits && checkModulusLength(entry.alg, cryptoKey)
 *     verified = await crypto.subtle.verify(entry.signing, cryptoKey, signature, signingInput)
 *
 * with `signingInput` = ASCII(BASE64URL(header)) '.' payload: a Project Wycheproof msg (arbitrary
 * bytes) can never be that. So the same four lines run here, with jose's own functions and
 * algorithm table, loaded from the installed jose: only the signing input is the vector's. A
 * throw from WebCrypto is jose's JWSSignatureVerificationFailed: a refusal (false here).
 */
/** WebCrypto's import and verify parameters (EcKeyImportParams, RsaPssParams...), as jose's table holds them. */
type KeyParameters = Parameters<typeof crypto.subtle.importKey>[2];
type Signing = Parameters<typeof crypto.subtle.verify>[0];

interface JoseAlgorithm {
  readonly alg: string;
  readonly subtle: KeyParameters;
  readonly signing: Signing;
  readonly minRsaBits?: number;
}

interface JoseInternals {
  jwsAlgorithm(alg: string): JoseAlgorithm;
  prepareKey(entry: JoseAlgorithm, key: CryptoKey, usage: 'verify'): Promise<CryptoKey>;
  rawKey(key: CryptoKey, expected: KeyParameters, usage: 'verify'): Promise<CryptoKey>;
  checkModulusLength(alg: string, key: CryptoKey): void;
}

function joseInternals(): JoseInternals {
  const lib = join(dirname(require.resolve('jose')), 'lib');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const algorithms = require(join(lib, 'jws_algorithms.js')) as Partial<JoseInternals>;
  const keys = require(join(lib, 'key.js')) as Partial<JoseInternals>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const internals = {
    jwsAlgorithm: algorithms.jwsAlgorithm,
    prepareKey: keys.prepareKey,
    rawKey: keys.rawKey,
    checkModulusLength: keys.checkModulusLength,
  };
  for (const [name, value] of Object.entries(internals)) {
    if (typeof value !== 'function') {
      throw new Error(
        `jose no longer has ${name} where this spec expects it: read its jws_verify.js again`,
      );
    }
  }
  return internals as JoseInternals;
}

const jose = joseInternals();

/** jose's decision on `signature` over `signingInput` by `key` for `alg`, as `jwtVerify` makes it. */
export async function joseSignatureVerifies(
  alg: string,
  key: CryptoKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const entry = jose.jwsAlgorithm(alg);
  const cryptoKey = await jose.rawKey(
    await jose.prepareKey(entry, key, 'verify'),
    entry.subtle,
    'verify',
  );
  if (entry.minRsaBits) jose.checkModulusLength(entry.alg, cryptoKey);
  try {
    return await crypto.subtle.verify(entry.signing, cryptoKey, signature, signingInput);
  } catch {
    return false;
  }
}
