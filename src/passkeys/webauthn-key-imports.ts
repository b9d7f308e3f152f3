import { webcrypto } from 'node:crypto';
import { dirname, join } from 'node:path';
import { LruCache } from '../platform/cache/lru-cache';

type Crypto = webcrypto.Crypto;
type CryptoKey = webcrypto.CryptoKey;
type SubtleCrypto = webcrypto.SubtleCrypto;

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
 * JWK's kty, crv, alg, x, y, n, e, ext), and a JWK or algorithm carrying anything else (`d`, `key_ops`, …), a private key,
 * an extractable key or any use besides `verify` is imported afresh: a CryptoKey imported from
 * those members is the same key, whoever asks. Only an import that succeeded is kept, at most
 * `maxKeys` of them, least recently used first out.
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
    return forward(this.webCrypto, { subtle: forward(subtle, { importKey }) });
  }

  private async importKey(...args: Parameters<SubtleCrypto['importKey']>): Promise<CryptoKey> {
    const [format, keyData, algorithm, extractable, usages] = args;
    const id = verificationKeyId(format, keyData, algorithm, extractable, usages);
    const remembered = id === undefined ? undefined : this.keys.get(id);
    if (remembered !== undefined) return remembered;
    this.imported++;
    const key = await this.subtle.importKey(...args);
    if (id !== undefined) this.keys.set(id, key);
    return key;
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
