import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** A sealed text did not open: another key, or the stored bytes or their context were altered. */
export class SecretBoxOpenError extends Error {
  constructor() {
    super('The sealed value could not be opened with this key');
    this.name = 'SecretBoxOpenError';
  }
}

/**
 * A key of its own per purpose, derived from KEY_ENCRYPTION_SECRET (HKDF-SHA256, RFC 5869): one
 * purpose's key opens or matches nothing of another's.
 */
function purposeKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'proofgate', purpose, 32));
}

/**
 * Short-lived personal data kept at rest sealed, not in clear (an email address waiting in a
 * challenge, a mail waiting in the outbox): AES-256-GCM under a key of the purpose, a fresh IV per
 * seal, and `context` bound as associated data, so a sealed value moved to another record does
 * not open there. Rotating KEY_ENCRYPTION_SECRET makes what was sealed before unreadable, which
 * for values that live minutes is the right end.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = purposeKey(secret, `secret-box:${purpose}`);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, context: string): string {
    const [format, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new SecretBoxOpenError();
    }
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== TAG_BYTES) throw new SecretBoxOpenError();
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tagBytes);
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxOpenError();
    }
  }
}

/**
 * HMAC-SHA256 under a key of the purpose (see purposeKey), base64url: the stored form of a secret
 * too small to hash alone (an 8-digit code has 10^8 values: its SHA-256 is reversed in seconds),
 * and of personal data matched but never read back (an address). Without KEY_ENCRYPTION_SECRET,
 * the database alone does not give the value back.
 */
export class KeyedHash {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = purposeKey(secret, `keyed-hash:${purpose}`);
  }

  of(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('base64url');
  }
}
