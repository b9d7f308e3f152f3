import type { NewSigningKey, SigningKeySlots, StoredSigningKey } from '../signing-key';
import { SigningKeyRepository } from '../signing-key.repository';

const isActive = (key: StoredSigningKey) => !key.retiredAt && !key.activatesAt;
const isNext = (key: StoredSigningKey) => !key.retiredAt && key.activatesAt !== undefined;

/**
 * A SigningKeyRepository for unit specs with the Mongo implementation's contract: one active slot
 * and one next slot, each taken atomically (JavaScript runs each method body up to its first
 * await without interleaving), copies in and out so callers never share state with the store.
 */
export class InMemorySigningKeyRepository extends SigningKeyRepository {
  readonly keys: StoredSigningKey[] = [];
  insertsRefused = 0;
  /** Makes the next `findByKid` fail, as a database outage would. */
  failNextLookup?: Error;

  findActive(): Promise<StoredSigningKey | null> {
    const active = this.keys.find(isActive);
    return Promise.resolve(active ? structuredClone(active) : null);
  }

  findByKid(kid: string): Promise<StoredSigningKey | null> {
    const failure = this.failNextLookup;
    this.failNextLookup = undefined;
    if (failure) return Promise.reject(failure);
    const key = this.keys.find((candidate) => candidate.kid === kid);
    return Promise.resolve(key ? structuredClone(key) : null);
  }

  insertActive(key: NewSigningKey): Promise<boolean> {
    if (this.keys.some(isActive)) {
      this.insertsRefused++;
      return Promise.resolve(false);
    }
    this.keys.push(structuredClone(key));
    return Promise.resolve(true);
  }

  retire(kid: string, retiredAt: Date): Promise<boolean> {
    const key = this.keys.find((candidate) => candidate.kid === kid && !candidate.retiredAt);
    if (!key) return Promise.resolve(false);
    key.retiredAt = retiredAt;
    delete key.encryptedPrivateKey;
    delete key.activatesAt;
    return Promise.resolve(true);
  }

  listPublishable(retiredAfter: Date): Promise<StoredSigningKey[]> {
    return Promise.resolve(
      this.keys
        .filter((key) => !key.retiredAt || key.retiredAt.getTime() > retiredAfter.getTime())
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((key) => structuredClone(key)),
    );
  }

  findSlots(): Promise<SigningKeySlots> {
    const active = this.keys.find(isActive);
    const next = this.keys.find(isNext);
    return Promise.resolve({
      active: active ? structuredClone(active) : null,
      next: next ? structuredClone(next) : null,
    });
  }

  insertNext(key: NewSigningKey & { activatesAt: Date }): Promise<boolean> {
    if (this.keys.some(isNext)) return Promise.resolve(false);
    this.keys.push(structuredClone(key));
    return Promise.resolve(true);
  }

  promoteNext(kid: string): Promise<boolean> {
    const key = this.keys.find((candidate) => candidate.kid === kid && isNext(candidate));
    if (!key || this.keys.some(isActive)) return Promise.resolve(false);
    delete key.activatesAt;
    return Promise.resolve(true);
  }
}
