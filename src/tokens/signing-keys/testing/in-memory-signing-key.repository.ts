import type { NewSigningKey, StoredSigningKey } from '../signing-key';
import { SigningKeyRepository } from '../signing-key.repository';

/**
 * A SigningKeyRepository for unit specs with the Mongo implementation's contract: one active slot
 * taken atomically (JavaScript runs each method body up to its first await without interleaving),
 * copies in and out so callers never share state with the store.
 */
export class InMemorySigningKeyRepository extends SigningKeyRepository {
  readonly keys: StoredSigningKey[] = [];
  insertsRefused = 0;
  /** Makes the next `findByKid` fail, as a database outage would. */
  failNextLookup?: Error;

  findActive(): Promise<StoredSigningKey | null> {
    const active = this.keys.find((key) => !key.retiredAt);
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
    if (this.keys.some((candidate) => !candidate.retiredAt)) {
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
}
