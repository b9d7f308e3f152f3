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
}

/** What a successful password check proves: who the user is. */
export interface AuthenticatedUser {
  readonly sub: string;
}
