import type { NewSigningKey, StoredSigningKey } from './signing-key';

/**
 * Where signing keys live. There is at most one active key at any time, across every instance:
 * implementations enforce that in the store itself (a unique slot), not by check-then-write,
 * because two instances may start at once on an empty database.
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
   * Moves `kid` out of the active slot, stamps `retiredAt` and deletes its encrypted private key,
   * in one conditional write. Resolves false when `kid` was not the active key (someone else
   * retired it first).
   */
  abstract retire(kid: string, retiredAt: Date): Promise<boolean>;

  /** The active key and the keys retired after `retiredAfter`, newest first. */
  abstract listPublishable(retiredAfter: Date): Promise<StoredSigningKey[]>;
}
