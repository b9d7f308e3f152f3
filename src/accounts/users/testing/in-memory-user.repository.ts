import { type StoredUser, usernameKey } from '../user';
import { UserRepository, type UserPageQuery } from '../user.repository';

/** A UserRepository for unit specs, with the Mongo implementation's contract. */
export class InMemoryUserRepository extends UserRepository {
  readonly users = new Map<string, StoredUser>();

  findByUsername(username: string): Promise<StoredUser | null> {
    return Promise.resolve(this.users.get(username) ?? null);
  }

  insertIfAbsent(user: StoredUser): Promise<boolean> {
    if (this.nameTaken(user.username)) return Promise.resolve(false);
    this.users.set(user.username, user);
    return Promise.resolve(true);
  }

  insertForAccount(
    user: StoredUser & { sub: string },
  ): Promise<'inserted' | 'username_taken' | 'account_has_one'> {
    if (this.nameTaken(user.username)) return Promise.resolve('username_taken');
    if ([...this.users.values()].some((other) => other.sub === user.sub)) {
      return Promise.resolve('account_has_one');
    }
    this.users.set(user.username, user);
    return Promise.resolve('inserted');
  }

  private nameTaken(username: string): boolean {
    return [...this.users.keys()].some((name) => usernameKey(name) === usernameKey(username));
  }

  removeOfAccount(username: string, sub: string): Promise<boolean> {
    const user = this.users.get(username);
    if (user?.sub === undefined || user.sub !== sub) return Promise.resolve(false);
    this.users.delete(username);
    return Promise.resolve(true);
  }

  async removePassword(username: string, sub: string): Promise<boolean> {
    if (username !== sub) return this.removeOfAccount(username, sub);
    const user = this.users.get(username);
    if (!user || user.sub !== undefined || user.passwordHash === undefined) return false;
    const removed: Omit<StoredUser, 'passwordHash'> & { passwordHash?: string } = { ...user };
    delete removed.passwordHash;
    this.users.set(username, removed);
    return true;
  }

  restorePassword(
    username: string,
    passwordHash: string,
    seen: string | undefined,
  ): Promise<boolean> {
    const user = this.users.get(username);
    if (!user || user.sub !== undefined || user.passwordHash !== seen) {
      return Promise.resolve(false);
    }
    this.users.set(username, { ...user, passwordHash });
    return Promise.resolve(true);
  }

  async page({ after, limit, prefix }: UserPageQuery): Promise<StoredUser[]> {
    return (await this.list())
      .filter((user) => after === undefined || user.username > after)
      .filter(
        (user) =>
          prefix === undefined || user.username.toLowerCase().startsWith(prefix.toLowerCase()),
      )
      .slice(0, limit);
  }

  list(): Promise<StoredUser[]> {
    return Promise.resolve(
      [...this.users.values()].sort((a, b) => (a.username < b.username ? -1 : 1)),
    );
  }

  updatePasswordHash(
    username: string,
    passwordHash: string,
    expectedRevision?: number,
  ): Promise<boolean> {
    const user = this.users.get(username);
    if (user?.passwordHash === undefined) return Promise.resolve(false);
    if (expectedRevision !== undefined && (user.revision ?? 0) !== expectedRevision) {
      return Promise.resolve(false);
    }
    this.users.set(username, { ...user, passwordHash, revision: (user.revision ?? 0) + 1 });
    return Promise.resolve(true);
  }

  advanceRevision(username: string, expectedRevision: number): Promise<boolean> {
    const user = this.users.get(username);
    if (!user || (user.revision ?? 0) !== expectedRevision) return Promise.resolve(false);
    this.users.set(username, { ...user, revision: expectedRevision + 1 });
    return Promise.resolve(true);
  }

  advanceRevisionsOf(sub: string): Promise<void> {
    for (const user of this.users.values()) {
      if ((user.sub ?? user.username) === sub) {
        this.users.set(user.username, { ...user, revision: (user.revision ?? 0) + 1 });
      }
    }
    return Promise.resolve();
  }

  disable(username: string, at: Date): Promise<boolean> {
    const user = this.users.get(username);
    if (!user || user.disabledAt) return Promise.resolve(false);
    this.users.set(username, { ...user, disabledAt: at, revision: (user.revision ?? 0) + 1 });
    return Promise.resolve(true);
  }

  enable(username: string): Promise<boolean> {
    const user = this.users.get(username);
    if (!user?.disabledAt) return Promise.resolve(false);
    const enabled: { disabledAt?: Date } & Omit<StoredUser, 'disabledAt'> = { ...user };
    delete enabled.disabledAt;
    this.users.set(username, { ...enabled, revision: (user.revision ?? 0) + 1 });
    return Promise.resolve(true);
  }
}
