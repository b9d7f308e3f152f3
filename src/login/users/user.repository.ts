import type { StoredUser } from './user';

/** Where user accounts live. Implementations never hand out database documents. */
export abstract class UserRepository {
  abstract findByUsername(username: string): Promise<StoredUser | null>;

  /**
   * Stores `user` unless an account with its username exists. Returns false (never throws) when
   * another writer got there first, so concurrent seeding by several instances is safe.
   */
  abstract insertIfAbsent(user: StoredUser): Promise<boolean>;
}
