import type { NewSigningKey, SigningKeySlots, SlotNames, StoredSigningKey } from '../signing-key';
import { SigningKeyRepository } from '../signing-key.repository';

/**
 * A SigningKeyRepository for unit specs with the Mongo implementation's contract: each slot taken
 * by one key at a time, atomically (JavaScript runs each method body up to its first await
 * without interleaving), copies in and out so callers never share state with the store.
 */
export class InMemorySigningKeyRepository extends SigningKeyRepository {
  readonly keys: StoredSigningKey[] = [];
  insertsRefused = 0;
  /** Makes the next `findByKid` fail, as a database outage would. */
  failNextLookup?: Error;

  private inSlot(slot: string): StoredSigningKey | undefined {
    return this.keys.find((key) => key.slot === slot);
  }

  findByKid(kid: string): Promise<StoredSigningKey | null> {
    const failure = this.failNextLookup;
    this.failNextLookup = undefined;
    if (failure) return Promise.reject(failure);
    const key = this.keys.find((candidate) => candidate.kid === kid);
    return Promise.resolve(key ? structuredClone(key) : null);
  }

  insertActive(key: NewSigningKey, slot: string): Promise<boolean> {
    if (this.inSlot(slot)) {
      this.insertsRefused++;
      return Promise.resolve(false);
    }
    this.keys.push({ ...structuredClone(key), slot });
    return Promise.resolve(true);
  }

  retire(kid: string, retiredAt: Date): Promise<boolean> {
    const key = this.keys.find((candidate) => candidate.kid === kid && candidate.slot);
    if (!key) return Promise.resolve(false);
    key.retiredAt = retiredAt;
    delete key.slot;
    delete key.encryptedPrivateKey;
    delete key.activatesAt;
    return Promise.resolve(true);
  }

  listPublishable(retiredAfter: Date): Promise<StoredSigningKey[]> {
    return Promise.resolve(
      this.keys
        .filter((key) => key.slot || key.retiredAt!.getTime() > retiredAfter.getTime())
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((key) => structuredClone(key)),
    );
  }

  findSlots(names: SlotNames): Promise<SigningKeySlots> {
    const active = this.inSlot(names.active);
    const next = this.inSlot(names.next);
    return Promise.resolve({
      active: active ? structuredClone(active) : null,
      next: next ? structuredClone(next) : null,
    });
  }

  insertNext(key: NewSigningKey & { activatesAt: Date }, slot: string): Promise<boolean> {
    if (this.inSlot(slot)) return Promise.resolve(false);
    this.keys.push({ ...structuredClone(key), slot });
    return Promise.resolve(true);
  }

  promoteNext(kid: string, names: SlotNames): Promise<boolean> {
    const key = this.keys.find(
      (candidate) => candidate.kid === kid && candidate.slot === names.next,
    );
    if (!key || this.inSlot(names.active)) return Promise.resolve(false);
    key.slot = names.active;
    delete key.activatesAt;
    return Promise.resolve(true);
  }
}
