export interface StoredUser {
  /** The login name; also the subject (`sub`) of tokens issued for the user, unless `sub` is set. */
  readonly username: string;
  /**
   * The account this password signs in, when it is not the username's own: a wallet account
   * that set a password keeps its `eip155:` or `solana:` subject (#20).
   */
  readonly sub?: string;
  /**
   * `PasswordHasher` output (scrypt); the password itself is never stored. Absent once the
   * account's owner removed the password of the account's own username (see
   * UserRepository.removePassword): the record stays so that the name is never taken again.
   */
  readonly passwordHash?: string;
  readonly createdAt: Date;
  /** Set by an administrator: the account can no longer log in. */
  readonly disabledAt?: Date;
  /**
   * One more at each change of the record (its password, its disablement) and at each lock-down
   * or lift of its account (absent: 0, as stored before revisions): the admin API's changes name
   * the one they read (If-Match), a compare-and-set.
   */
  readonly revision?: number;
}

/** What a successful password check proves: who the user is. */
export interface AuthenticatedUser {
  readonly sub: string;
}

/**
 * The key that makes a username unique: its lower-case form, so no one can sign up as `User0`
 * beside `user0` (a look-alike account, a confused operator). Usernames are ASCII letters,
 * digits and `. _ @ + -` (checkUsername), where lower-casing is the whole of case folding.
 * Signing in still takes the exact spelling the account was created with.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}
