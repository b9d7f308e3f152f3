import type { StoredUser } from './user';

/**
 * What UserRepository.page asks for: at most `limit` users after `after`, those whose username
 * starts with `prefix` (any letter case) if given.
 */
export interface UserPageQuery {
  readonly after?: string;
  readonly limit: number;
  readonly prefix?: string;
}

/** Where user accounts live. Implementations never hand out database documents. */
export abstract class UserRepository {
  abstract findByUsername(username: string): Promise<StoredUser | null>;

  /**
   * Stores `user` unless an account with its username exists, in any case (usernameKey). Returns
   * false (never throws) when another writer got there first, so concurrent seeding by several
   * instances is safe.
   */
  abstract insertIfAbsent(user: StoredUser): Promise<boolean>;

  /**
   * Stores the password of an account whose subject is not the username (`user.sub` set):
   * `username_taken` when another user has the name in any case, `account_has_one` when the account has a
   * password already (the unique keys decide, never a read before the write).
   */
  abstract insertForAccount(
    user: StoredUser & { sub: string },
  ): Promise<'inserted' | 'username_taken' | 'account_has_one'>;

  /**
   * Removes the password `username` of the account `sub` (a link that could not be completed);
   * false when there is no such user of that account.
   */
  abstract removeOfAccount(username: string, sub: string): Promise<boolean>;

  /**
   * Removes the password `username` of the account `sub` (its owner removed the method): a
   * password set for the account (its `sub` recorded) is deleted, which frees the username. The
   * password of the account's own username (the username is the subject) loses only its hash:
   * the name stays taken, since a new user of that name would get this subject. False when the
   * account has no such password.
   */
  abstract removePassword(username: string, sub: string): Promise<boolean>;

  /**
   * Gives the password of the account's own username (the username is the subject) a hash again,
   * after its owner removed it (removePassword), if its hash is still `seen` (undefined: none):
   * one conditional update, so of two requests racing one sets it. False when the hash changed
   * meanwhile, or the user is no such account's own.
   */
  abstract restorePassword(
    username: string,
    passwordHash: string,
    seen: string | undefined,
  ): Promise<boolean>;

  /** Every account, by username. */
  abstract list(): Promise<StoredUser[]>;
  /**
   * At most `limit` users by username, those after `after` only (keyset pagination on `_id`: one
   * `find` per page); `prefix`: only usernames that start with it, in any letter case.
   */
  abstract page(page: UserPageQuery): Promise<StoredUser[]>;

  /**
   * Replaces the password hash; false when there is no such user (or its password was removed),
   * or (given `expectedRevision`) when it is no longer at that revision. Its revision goes up.
   */
  abstract updatePasswordHash(
    username: string,
    passwordHash: string,
    expectedRevision?: number,
  ): Promise<boolean>;

  /**
   * Moves the user `username` from `expectedRevision` to the next, changing nothing else: the
   * compare-and-set that admits one change made in another record (its account's lock-down).
   * False when there is no such user, or it is at another revision.
   */
  abstract advanceRevision(username: string, expectedRevision: number): Promise<boolean>;

  /**
   * Moves on the revision of the passwords that sign in the account `sub` (its own username's,
   * or one set for it): its lock-down or its lift changed what they show.
   */
  abstract advanceRevisionsOf(sub: string): Promise<void>;

  /** Marks the account disabled at `at`; false when there is no such user or it already was. */
  abstract disable(username: string, at: Date): Promise<boolean>;

  /** Lifts a disablement; false when there is no such user or it was not disabled. */
  abstract enable(username: string): Promise<boolean>;
}
