import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import type { EncryptedPrivateKey } from './signing-key';

// scrypt rather than HKDF: KEY_ENCRYPTION_SECRET is operator-chosen text, so the derivation should
// be costly to brute-force should the database leak. It runs once per salt in a process, never per
// request.
const SCRYPT_V1 = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The box did not open: wrong secret, or the stored bytes or their context were altered. */
export class PrivateKeyDecryptionError extends Error {
  constructor() {
    super('The private key could not be decrypted with this secret');
    this.name = 'PrivateKeyDecryptionError';
  }
}

/** How many derived keys a process keeps per secret: one per stored key it opened, in practice. */
const KEYS_KEPT_PER_SECRET = 64;

/**
 * Keys derived from a secret, by salt, so scrypt runs once per (secret, salt) in a process, and
 * the salt a process seals its boxes under. Each box still has its own IV; the salt's work is to
 * defeat precomputation, which one random salt per process does as well as one per box (every box
 * is under the same secret: guessing it opens them all either way).
 */
const derivations = new Map<string, { sealingSalt: Buffer; keys: Map<string, Promise<Buffer>> }>();

function derivationsOf(secret: string) {
  let entry = derivations.get(secret);
  if (!entry) {
    entry = { sealingSalt: randomBytes(SALT_BYTES), keys: new Map() };
    derivations.set(secret, entry);
  }
  return entry;
}

function deriveKey(secret: string, salt: Buffer): Promise<Buffer> {
  const { keys } = derivationsOf(secret);
  const id = salt.toString('base64url');
  let key = keys.get(id);
  if (!key) {
    key = new Promise<Buffer>((resolve, reject) => {
      scrypt(secret, salt, KEY_BYTES, SCRYPT_V1, (error, derived) =>
        error ? reject(error) : resolve(derived),
      );
    });
    // A failed derivation is not kept: the next open tries again.
    key.catch(() => keys.delete(id));
    if (keys.size >= KEYS_KEPT_PER_SECRET) keys.delete(keys.keys().next().value as string);
    keys.set(id, key);
  }
  return key;
}

/** AES-256-GCM with a per-process salt and a per-box IV, for private keys kept at rest. */
export class PrivateKeyCipher {
  constructor(private readonly secret: string) {}

  async seal(plaintext: string, associatedData: string): Promise<EncryptedPrivateKey> {
    const salt = derivationsOf(this.secret).sealingSalt;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await deriveKey(this.secret, salt), iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      salt: salt.toString('base64url'),
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
    };
  }

  async open(box: EncryptedPrivateKey, associatedData: string): Promise<string> {
    if (box.v !== 1) throw new Error(`Unsupported private key encryption format v${String(box.v)}`);
    const tag = Buffer.from(box.tag, 'base64url');
    if (tag.length !== TAG_BYTES) throw new PrivateKeyDecryptionError();
    const key = await deriveKey(this.secret, Buffer.from(box.salt, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(box.ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // GCM's only failure here is a tag mismatch; its message says nothing more useful.
      throw new PrivateKeyDecryptionError();
    }
  }
}
