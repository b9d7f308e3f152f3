import {
  KeyObject,
  createHash,
  createPublicKey,
  verify as verifySignature,
  webcrypto,
  type JsonWebKey,
} from 'node:crypto';
import { dirname, join } from 'node:path';
import { LruCache } from '../platform/cache/lru-cache';

type Crypto = webcrypto.Crypto;
type CryptoKey = webcrypto.CryptoKey;
type SubtleCrypto = webcrypto.SubtleCrypto;
type BufferSource = Parameters<SubtleCrypto['digest']>[1];

/**
 * Passkey public keys imported into WebCrypto once, not on every sign-in.
 *
 * @simplewebauthn/server checks an assertion's signature through WebCrypto, and takes the
 * credential's public key only as COSE bytes: on every call it turns them into a JWK and imports
 * that (`subtle.importKey('jwk', …, false, ['verify'])`), about 150 µs of CPU, more than the
 * signature check itself. The library reads its WebCrypto through one replaceable reference
 * (`_getWebCryptoInternals.setCachedCrypto`, there so its own tests can swap the implementation);
 * the service hands it Node's WebCrypto with one change: an import of a public verification key
 * from a JWK returns the key imported before from the same JWK. Everything else, and the whole
 * check (challenge, origin, RP ID, flags, counter, the signature itself), is still the library's.
 *
 * Only what identifies the key goes into the cache key (the algorithm's name, curve and hash; the
 * JWK's kty, crv, alg, x, y, n, e, ext), and a JWK or algorithm carrying anything else (`d`,
 * `key_ops`, …), a private key, an extractable key or any use besides `verify` is imported afresh:
 * a CryptoKey imported from those members is the same key, whoever asks. Only an import that
 * succeeded is kept, at most `maxKeys` of them, least recently used first out.
 *
 * The same wrapper answers the check's hashes (`subtle.digest`, SHA-256/384/512) and its ECDSA and
 * Ed25519 signature check (`subtle.verify`) with Node's synchronous one-shot functions over the
 * same key (its KeyObject, made from the JWK it was imported from; ECDSA signatures in WebCrypto's
 * IEEE P1363 form): the same OpenSSL operations Node's WebCrypto runs, without its round trip
 * through the libuv thread pool. Each of those three asynchronous jobs handed the rest of a sign-in
 * to a later turn of the event loop, one sign-in at a time, which spread the sign-ins of a burst
 * over many turns, and their grant writes and lock-down checks (batched per turn: TurnBatcher) over
 * as many database commands (#36: 1.37 commands per passkey sign-in under the bench's load, against
 * 1.20 for a SIWE login, whose check is synchronous). Any other algorithm, a key not usable for
 * `verify` with that algorithm, or an input Node's one-shot refuses goes to WebCrypto itself, whose
 * answer (or error) is then the answer.
 *
 * Should a later version of the library drop the reference, nothing is installed and the library
 * imports every key itself, as before: slower, never wrong (`installed()` says which).
 */
export class WebAuthnKeyImports {
  private readonly keys: LruCache<string, CryptoKey>;
  private readonly subtle: SubtleCrypto;
  /** Node's WebCrypto with `subtle.importKey` remembering verification keys. */
  readonly crypto: Crypto;
  private imported = 0;

  constructor(
    maxKeys: number,
    private readonly webCrypto: Crypto = webcrypto,
  ) {
    this.keys = new LruCache(maxKeys);
    this.subtle = webCrypto.subtle;
    this.crypto = this.wrap();
  }

  /** Imports done by WebCrypto (not answered from memory) since this was made. */
  get imports(): number {
    return this.imported;
  }

  get size(): number {
    return this.keys.size;
  }

  private wrap(): Crypto {
    const subtle = this.subtle;
    const importKey = this.importKey.bind(this);
    const digest = (...args: Parameters<SubtleCrypto['digest']>) =>
      syncDigest(...args) ?? subtle.digest(...args);
    const verify = (...args: Parameters<SubtleCrypto['verify']>) =>
      syncVerify(...args) ?? subtle.verify(...args);
    /** Every member of the real object, its methods called on it (WebCrypto checks `this`). */
    const forward = <T extends object>(target: T, overrides: Record<PropertyKey, unknown>): T => {
      const bound = new Map<unknown, unknown>();
      return new Proxy(target, {
        get(real, property) {
          if (property in overrides) return overrides[property as string];
          const value: unknown = Reflect.get(real, property, real);
          if (typeof value !== 'function') return value;
          let method = bound.get(value);
          if (method === undefined) {
            method = (value as (...args: unknown[]) => unknown).bind(real);
            bound.set(value, method);
          }
          return method;
        },
      });
    };
    return forward(this.webCrypto, { subtle: forward(subtle, { importKey, digest, verify }) });
  }

  private async importKey(...args: Parameters<SubtleCrypto['importKey']>): Promise<CryptoKey> {
    const [format, keyData, algorithm, extractable, usages] = args;
    const id = verificationKeyId(format, keyData, algorithm, extractable, usages);
    const remembered = id === undefined ? undefined : this.keys.get(id);
    if (remembered !== undefined) return remembered;
    this.imported++;
    const key = await this.subtle.importKey(...args);
    if (id !== undefined) {
      this.keys.set(id, key);
      rememberKeyObject(key, keyData);
    }
    return key;
  }
}

const HASHES: Readonly<Record<string, string>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** A BufferSource's bytes, without a copy. */
function bytesOf(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Each CryptoKey's KeyObject, made from the JWK it was imported from, or on its first check. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * The KeyObject of a verification key imported from `jwk`, made from the same JWK: the library
 * imports passkey keys non-extractable, and Node deprecates `KeyObject.from` on those (DEP0204,
 * a warning on Node 24, an error in a later major). A JWK Node cannot read is left to WebCrypto.
 */
function rememberKeyObject(key: CryptoKey, jwk: unknown): void {
  try {
    keyObjects.set(key, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
  } catch {
    // Checked by WebCrypto, as any key without a KeyObject.
  }
}

/** The key's KeyObject; undefined for a non-extractable key not imported here (WebCrypto's). */
function keyObjectOf(key: CryptoKey): KeyObject | undefined {
  let object = keyObjects.get(key);
  if (object === undefined && key.extractable) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
}

function algorithmName(algorithm: unknown): string | undefined {
  if (typeof algorithm === 'string') return algorithm;
  return isObject(algorithm) && typeof algorithm.name === 'string' ? algorithm.name : undefined;
}

/**
 * `subtle.digest` of SHA-256/384/512 computed at once (a settled promise), or undefined for
 * anything else (WebCrypto then answers).
 */
export function syncDigest(
  ...[algorithm, data]: Parameters<SubtleCrypto['digest']>
): Promise<ArrayBuffer> | undefined {
  const name = algorithmName(algorithm);
  const hash = name === undefined ? undefined : HASHES[name.toUpperCase()];
  if (hash === undefined || !(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
    return undefined;
  }
  const digest = createHash(hash).update(bytesOf(data)).digest();
  return Promise.resolve(
    digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength),
  );
}

/**
 * `subtle.verify` of an ECDSA (P1363 signature, the algorithm's hash) or Ed25519 signature
 * computed at once (a settled promise), or undefined when WebCrypto must answer: another
 * algorithm, a key of another algorithm or without the `verify` usage (WebCrypto's own error), or
 * an input Node's one-shot refuses.
 */
export function syncVerify(
  ...[algorithm, key, signature, data]: Parameters<SubtleCrypto['verify']>
): Promise<boolean> | undefined {
  const name = algorithmName(algorithm);
  if (
    name === undefined ||
    key.type !== 'public' ||
    !key.usages.includes('verify') ||
    key.algorithm.name.toUpperCase() !== name.toUpperCase()
  ) {
    return undefined;
  }
  if (!(signature instanceof ArrayBuffer || ArrayBuffer.isView(signature))) return undefined;
  if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return undefined;
  try {
    switch (name.toUpperCase()) {
      case 'ECDSA': {
        const hashName = isObject(algorithm) ? algorithmName(algorithm.hash) : undefined;
        const hash = hashName === undefined ? undefined : HASHES[hashName.toUpperCase()];
        const keyObject = keyObjectOf(key);
        if (hash === undefined || keyObject === undefined) return undefined;
        const publicKey = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
        return Promise.resolve(verifySignature(hash, bytesOf(data), publicKey, bytesOf(signature)));
      }
      case 'ED25519': {
        const keyObject = keyObjectOf(key);
        if (keyObject === undefined) return undefined;
        return Promise.resolve(verifySignature(null, bytesOf(data), keyObject, bytesOf(signature)));
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

const JWK_MEMBERS = new Set(['kty', 'crv', 'alg', 'x', 'y', 'n', 'e', 'ext']);
const ALGORITHM_MEMBERS = new Set(['name', 'namedCurve', 'hash']);

/**
 * What identifies an imported public verification key, or undefined when the import is anything
 * else (then it is never remembered).
 */
export function verificationKeyId(
  format: string,
  keyData: unknown,
  algorithm: unknown,
  extractable: boolean,
  usages: readonly string[],
): string | undefined {
  if (format !== 'jwk' || extractable || usages.length !== 1 || usages[0] !== 'verify') {
    return undefined;
  }
  if (!isPlainRecord(keyData) || !isPlainRecord(algorithm)) return undefined;
  if (!Object.keys(keyData).every((member) => JWK_MEMBERS.has(member))) return undefined;
  if (!Object.keys(algorithm).every((member) => ALGORITHM_MEMBERS.has(member))) return undefined;
  const hash = algorithm.hash;
  const hashName = isPlainRecord(hash) ? hash.name : hash;
  const parts = [
    algorithm.name,
    algorithm.namedCurve,
    hashName,
    keyData.kty,
    keyData.crv,
    keyData.alg,
    keyData.x,
    keyData.y,
    keyData.n,
    keyData.e,
  ];
  if (!parts.every((part) => part === undefined || typeof part === 'string')) return undefined;
  if (keyData.ext !== undefined && typeof keyData.ext !== 'boolean') return undefined;
  parts.push(keyData.ext === undefined ? undefined : String(keyData.ext));
  if (typeof keyData.kty !== 'string' || typeof algorithm.name !== 'string') return undefined;
  return JSON.stringify(parts);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** Any object, of this realm or another (Jest evaluates modules in a context of their own). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export interface LibraryWebCrypto {
  setCachedCrypto(crypto: Crypto): void;
}

/**
 * The library's replaceable WebCrypto reference, from the CommonJS build the service loads (the
 * same module instance `require('@simplewebauthn/server')` uses), or undefined when this version
 * has none. (Exported for `bench/passkey-crypto.bench.ts`, which sets it both ways in one run.)
 */
export function libraryWebCrypto(): LibraryWebCrypto | undefined {
  try {
    const entry = require.resolve('@simplewebauthn/server');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module: unknown = require(
      join(dirname(entry), 'helpers', 'iso', 'isoCrypto', 'getWebCrypto.js'),
    );
    const internals: unknown = isObject(module) ? module._getWebCryptoInternals : undefined;
    if (
      isObject(internals) &&
      typeof internals.setCachedCrypto === 'function' &&
      typeof internals.stubThisGlobalThisCrypto === 'function'
    ) {
      return internals as unknown as LibraryWebCrypto;
    }
  } catch {
    // Not there in this version: the library keeps its own reference.
  }
  return undefined;
}

let installed: WebAuthnKeyImports | undefined;

/**
 * Hands @simplewebauthn/server the remembering WebCrypto, once per process (the library's
 * reference is one per process too): the first call installs it, later ones return the same.
 * Undefined when the library has no replaceable reference.
 */
export function installWebAuthnKeyImports(maxKeys: number): WebAuthnKeyImports | undefined {
  if (installed) return installed;
  const library = libraryWebCrypto();
  if (!library) return undefined;
  installed = new WebAuthnKeyImports(maxKeys);
  library.setCachedCrypto(installed.crypto);
  return installed;
}
