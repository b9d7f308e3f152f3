import { SIGNING_ALGS, type SigningAlg } from '../../protocol-rules/signing-algs';

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
  /** The slot it holds (SIGNING_KEY_SLOTS) while it signs or is about to; absent once retired. */
  slot?: string;
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
  'retiredAt' | 'activatesAt' | 'encryptedPrivateKey' | 'slot'
> & {
  encryptedPrivateKey: EncryptedPrivateKey;
};

/** The slot of TOKEN_SIGNING_ALG's active key; retired keys have no slot at all. */
export const ACTIVE_SLOT = 'active';
/** The slot of TOKEN_SIGNING_ALG's pre-published key that is to sign next. */
export const NEXT_SLOT = 'next';

/** The two slots of one alg's keys: one active key, and at most one next key. */
export interface SlotNames {
  readonly active: string;
  readonly next: string;
}

/**
 * The slots of `alg`'s keys. The configured alg (TOKEN_SIGNING_ALG) keeps the names of the releases
 * that had one key, so their instances share its keys through a rolling upgrade; every other alg
 * has its own pair (`active:RS256`, `next:RS256`), which they never read.
 */
export function slotNamesFor(alg: SigningAlg, configuredAlg: SigningAlg): SlotNames {
  return alg === configuredAlg ? { active: ACTIVE_SLOT, next: NEXT_SLOT } : ownSlotNames(alg);
}

/** The slots `alg`'s keys hold while another alg is the configured one. */
export function ownSlotNames(alg: SigningAlg): SlotNames {
  return { active: `${ACTIVE_SLOT}:${alg}`, next: `${NEXT_SLOT}:${alg}` };
}

/** Every slot name a key may hold, whichever alg is configured. */
export const SIGNING_KEY_SLOTS: readonly string[] = [
  ACTIVE_SLOT,
  NEXT_SLOT,
  ...SIGNING_ALGS.flatMap((alg) => {
    const { active, next } = ownSlotNames(alg);
    return [active, next];
  }),
];

/** The keys that hold an alg's slots: the one signing now, and the one pre-published to sign next. */
export interface SigningKeySlots {
  active: StoredSigningKey | null;
  next: StoredSigningKey | null;
}
