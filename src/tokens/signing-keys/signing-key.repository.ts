import type { NewSigningKey, SigningKeySlots, SlotNames, StoredSigningKey } from './signing-key';

/**
 * Where signing keys live. Each slot (an alg's active key, its next key) holds at most one key at
 * any time, across every instance: implementations enforce that in the store itself (unique
 * slots), not by check-then-write, because two instances may start (or rotate) at once.
 */
export abstract class SigningKeyRepository {
  abstract findByKid(kid: string): Promise<StoredSigningKey | null>;

  /**
   * Stores `key` in the free `slot` in one atomic write. Resolves false, storing nothing, when
   * another key already holds it.
   */
  abstract insertActive(key: NewSigningKey, slot: string): Promise<boolean>;

  /**
   * Moves `kid` out of its slot, whichever it holds, stamps `retiredAt` and deletes its encrypted
   * private key, in one conditional write. Resolves false when `kid` held no slot (someone else
   * retired it first).
   */
  abstract retire(kid: string, retiredAt: Date): Promise<boolean>;

  /** The keys in a slot and the keys retired after `retiredAfter`, newest first. */
  abstract listPublishable(retiredAfter: Date): Promise<StoredSigningKey[]>;

  /** The keys in the slots `names`, read together (one round trip on the signing path). */
  abstract findSlots(names: SlotNames): Promise<SigningKeySlots>;

  /**
   * Stores `key` in the free next `slot`, due to sign from `activatesAt`, in one atomic write.
   * Resolves false, storing nothing, when another key already holds it.
   */
  abstract insertNext(key: NewSigningKey & { activatesAt: Date }, slot: string): Promise<boolean>;

  /**
   * Moves `kid` from the next slot of `names` into its active slot in one conditional write.
   * Resolves false when `kid` is not the next key any more, or when the active slot is taken.
   */
  abstract promoteNext(kid: string, names: SlotNames): Promise<boolean>;
}
