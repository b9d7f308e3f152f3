import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { DomainEvents } from '../../platform/events/domain-events';
import { passwordMethodKey } from '../account';
import { PasswordChanged } from '../account.events';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { DYNAMIC_CLIENT_ID_PREFIX } from '../../protocol-rules/client-id';
import { UserRepository, type UserPageQuery } from './user.repository';
import type { StoredUser } from './user';

/** NIST SP 800-63B §5.1.1.2: user-chosen passwords are at least 8 characters long. */
export const PASSWORD_MIN_LENGTH = 8;
/** Longest password the forms accept: bounds the work one request can ask of scrypt. */
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * A username is also the token subject (`sub`). No colon: a password account can never take a
 * subject of the form `eip155:<chain>:<address>` that wallet logins use.
 */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** Which rule of a username or password a request broke: what a page says in its own words. */
export type AccountRule =
  | 'username_format'
  | 'username_reserved'
  | 'password_too_short'
  | 'password_too_long'
  | 'password_lines';

/** A request the account rules refuse, or an account that is not there; safe to show as is. */
export class UserAccountError extends Error {
  constructor(
    message: string,
    /** What the refusal is about: the request (`invalid`), nobody (`not_found`), a taken name. */
    readonly refusal: 'invalid' | 'not_found' | 'conflict' = 'invalid',
    readonly rule?: AccountRule,
  ) {
    super(message);
    this.name = 'UserAccountError';
  }
}

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new UserAccountError(
      'username must be 1-64 characters of letters, digits and . _ @ + -, starting with a letter or digit',
      'invalid',
      'username_format',
    );
  }
  // RFC 9700 §4.15: the prefix of registered client ids, so no user's sub can equal one.
  if (username.toLowerCase().startsWith(DYNAMIC_CLIENT_ID_PREFIX)) {
    throw new UserAccountError(
      `username must not start with "${DYNAMIC_CLIENT_ID_PREFIX}" (reserved for registered clients)`,
      'invalid',
      'username_reserved',
    );
  }
}

/**
 * What the login form can submit (at most PASSWORD_MAX_LENGTH characters, one line) and at least
 * PASSWORD_MIN_LENGTH characters. Never echoes the password.
 */
export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new UserAccountError(
      `password must be at least ${PASSWORD_MIN_LENGTH} characters`,
      'invalid',
      'password_too_short',
    );
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new UserAccountError(
      `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
      'invalid',
      'password_too_long',
    );
  }
  if (/[\r\n]/.test(password)) {
    throw new UserAccountError('password must be a single line', 'invalid', 'password_lines');
  }
}

/** An account as administration sees it: never its password hash. */
export interface UserAccount {
  readonly username: string;
  /** The account the password signs in. */
  readonly sub: string;
  readonly createdAt: Date;
  readonly disabledAt?: Date;
  /** StoredUser.revision (0: never changed): what a change made on this reading names. */
  readonly revision: number;
}

function toAccount({ username, sub, createdAt, disabledAt, revision }: StoredUser): UserAccount {
  return {
    username,
    sub: sub ?? username,
    createdAt,
    ...(disabledAt ? { disabledAt } : {}),
    revision: revision ?? 0,
  };
}

/** How a change that named the revision it read ended (the admin API's If-Match). */
export type RevisedChange = 'changed' | 'stale';

/** Managing password accounts: creating them, setting passwords, disabling and listing them. */
@Injectable()
export class UserAccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async register(username: string, password: string): Promise<UserAccount> {
    checkUsername(username);
    checkPassword(password);
    const user: StoredUser = {
      username,
      passwordHash: await this.hasher.hash(password),
      createdAt: this.clock.now(),
    };
    if (!(await this.users.insertIfAbsent(user))) {
      const exact = await this.users.findByUsername(username);
      throw new UserAccountError(
        exact
          ? `user ${username} already exists`
          : `user ${username} already exists in another case (usernames are unique whatever their case)`,
        'conflict',
      );
    }
    return toAccount(user);
  }

  /**
   * A password for the account `sub` (one created by another method, a wallet): `username` then
   * signs in that account. Refused (see UserRepository.insertForAccount) when another user has
   * the username or the account has a password already.
   */
  async registerForAccount(
    sub: string,
    username: string,
    password: string,
  ): Promise<'inserted' | 'username_taken' | 'account_has_one'> {
    checkUsername(username);
    checkPassword(password);
    const user: StoredUser = {
      username,
      sub,
      passwordHash: await this.hasher.hash(password),
      createdAt: this.clock.now(),
    };
    return this.users.insertForAccount({ ...user, sub });
  }

  /** See UserRepository.removePassword. */
  removePassword(sub: string, username: string): Promise<boolean> {
    return this.users.removePassword(username, sub);
  }

  /**
   * A password again for the account whose subject is the username `sub`, after its owner removed
   * it, if the name's hash is still `seen` (passwordHashOf); false when it changed meanwhile (see
   * UserRepository.restorePassword).
   */
  async restorePassword(sub: string, password: string, seen: string | undefined): Promise<boolean> {
    checkPassword(password);
    return this.users.restorePassword(sub, await this.hasher.hash(password), seen);
  }

  /**
   * The stored hash of the user `username`'s password, undefined when it has none (a removed
   * password of an account's own username keeps its record without one): for restorePassword's
   * condition, never shown.
   */
  async passwordHashOf(username: string): Promise<string | undefined> {
    return (await this.users.findByUsername(username))?.passwordHash;
  }

  /** Undoes `registerForAccount` (only that account's password of that name). */
  async removeForAccount(sub: string, username: string): Promise<void> {
    await this.users.removeOfAccount(username, sub);
  }

  /**
   * Replaces the password of `username` (an operator's act), told (PasswordChanged) before it
   * resolves; given `expectedRevision`, only while the user is at it (one conditional update):
   * `stale` when it is not, and nothing changed nor told.
   */
  async setPassword(
    username: string,
    password: string,
    expectedRevision?: number,
  ): Promise<RevisedChange> {
    checkPassword(password);
    const passwordHash = await this.hasher.hash(password);
    if (await this.users.updatePasswordHash(username, passwordHash, expectedRevision)) {
      const sub = await this.subjectOf(username);
      if (sub !== null) {
        await this.events.emitAndWait(
          new PasswordChanged(sub, passwordMethodKey(username), this.clock.now()),
        );
      }
      return 'changed';
    }
    if ((await this.users.findByUsername(username))?.passwordHash === undefined) {
      throw new UserAccountError(`no user ${username}`, 'not_found');
    }
    return 'stale';
  }

  /**
   * Admits one change of `username` made on the revision `expectedRevision` (see
   * UserRepository.advanceRevision): `stale` when another change came first.
   */
  async claimRevision(username: string, expectedRevision: number): Promise<RevisedChange> {
    if (await this.users.advanceRevision(username, expectedRevision)) return 'changed';
    await this.existing(username);
    return 'stale';
  }

  /** See UserRepository.advanceRevisionsOf. */
  accountChanged(sub: string): Promise<void> {
    return this.users.advanceRevisionsOf(sub);
  }

  /**
   * Lifts the disablement of the password `username` alone (set before disabling locked the
   * whole account, see AccountService.disable); false when there is no such user or it was not.
   */
  enablePassword(username: string): Promise<boolean> {
    return this.users.enable(username);
  }

  /** The subject the password `username` signs in, or null when there is no such user. */
  async subjectOf(username: string): Promise<string | null> {
    const user = await this.users.findByUsername(username);
    return user ? (user.sub ?? user.username) : null;
  }

  async list(): Promise<UserAccount[]> {
    return (await this.users.list()).map(toAccount);
  }

  /** The password user `username`, or null. */
  async find(username: string): Promise<UserAccount | null> {
    const user = await this.users.findByUsername(username);
    return user ? toAccount(user) : null;
  }

  /** A page of users by username (see UserRepository.page). */
  async page(page: UserPageQuery): Promise<UserAccount[]> {
    return (await this.users.page(page)).map(toAccount);
  }

  private async existing(username: string): Promise<StoredUser> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new UserAccountError(`no user ${username}`, 'not_found');
    return user;
  }
}
