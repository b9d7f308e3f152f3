import type { SigningAlg } from '../../config/sections/tokens.config';

/** The public members of a signing key (RFC 7518 §6.2.1 EC P-256, §6.3.1 RSA), nothing else. */
export type PublicJwk =
  { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'RSA'; n: string; e: string };

/** A public key as the JWKS publishes it (RFC 7517 §4). */
export type PublishedJwk = PublicJwk & { kid: string; alg: SigningAlg; use: 'sig' };

/**
 * A private JWK sealed with AES-256-GCM under a key derived from KEY_ENCRYPTION_SECRET.
 * All byte fields are base64url. The additional authenticated data binds the box to its key's
 * kid and alg, so a ciphertext copied onto another document does not open.
 */
export interface EncryptedPrivateKey {
  /** Format version. 1: scrypt(N=2^15, r=8, p=1) with a 16-byte salt, AES-256-GCM, 12-byte IV. */
  v: 1;
  salt: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface StoredSigningKey {
  /** RFC 7638 JWK thumbprint (SHA-256) of `publicJwk`. */
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  /** Absent once the key is retired: a retired key only ever verifies. */
  encryptedPrivateKey?: EncryptedPrivateKey;
  createdAt: Date;
  /**
   * Present only while the key is the pre-published next key: published, not yet signing, due
   * to replace the active key at this time.
   */
  activatesAt?: Date;
  /** Absent while the key is the next or the active one. */
  retiredAt?: Date;
}

export type NewSigningKey = Omit<
  StoredSigningKey,
  'retiredAt' | 'activatesAt' | 'encryptedPrivateKey'
> & {
  encryptedPrivateKey: EncryptedPrivateKey;
};

/** The keys that hold a slot: the one signing now, and the one pre-published to sign next. */
export interface SigningKeySlots {
  active: StoredSigningKey | null;
  next: StoredSigningKey | null;
}
