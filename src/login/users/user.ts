export interface StoredUser {
  /** The login name; also the subject (`sub`) of tokens issued for the user. */
  readonly username: string;
  /** `PasswordHasher` output (scrypt); the password itself is never stored. */
  readonly passwordHash: string;
  readonly createdAt: Date;
  /** Set by an administrator: the account can no longer log in. */
  readonly disabledAt?: Date;
}

/** What a successful password check proves: who the user is. */
export interface AuthenticatedUser {
  readonly sub: string;
}
