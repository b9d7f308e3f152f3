import type { NewSigningKey, SigningKeySlots, StoredSigningKey } from './signing-key';

/**
 * Where signing keys live. There is at most one active key at any time, across every instance,
 * and at most one next key: implementations enforce that in the store itself (unique slots), not
 * by check-then-write, because two instances may start (or rotate) at once.
 */
export abstract class SigningKeyRepository {
  abstract findActive(): Promise<StoredSigningKey | null>;

  abstract findByKid(kid: string): Promise<StoredSigningKey | null>;

  /**
   * Stores `key` as the active key in one atomic write. Resolves false, storing nothing, when
   * another key already holds the active slot.
   */
  abstract insertActive(key: NewSigningKey): Promise<boolean>;

  /**
   * Moves `kid` out of its slot (active or next), stamps `retiredAt` and deletes its encrypted
   * private key, in one conditional write. Resolves false when `kid` held no slot (someone else
   * retired it first).
   */
  abstract retire(kid: string, retiredAt: Date): Promise<boolean>;

  /** The next key, the active key and the keys retired after `retiredAfter`, newest first. */
  abstract listPublishable(retiredAfter: Date): Promise<StoredSigningKey[]>;

  /** The active and the next key, read together (one round trip on the signing path). */
  abstract findSlots(): Promise<SigningKeySlots>;

  /**
   * Stores `key` as the next key, due to sign from `activatesAt`, in one atomic write. Resolves
   * false, storing nothing, when another key already holds the next slot.
   */
  abstract insertNext(key: NewSigningKey & { activatesAt: Date }): Promise<boolean>;

  /**
   * Moves `kid` from the next slot into the active slot in one conditional write. Resolves false
   * when `kid` is not the next key any more, or when the active slot is taken.
   */
  abstract promoteNext(kid: string): Promise<boolean>;
}
