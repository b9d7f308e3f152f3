import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomToken } from '../../platform/crypto/hashing';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import type { AuthenticatedUser } from './user';
import { UserRepository } from './user.repository';

@Injectable()
export class UserService implements OnModuleInit {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Computes the dummy hash at start-up, so the first unknown-user login is not the slow one. */
  async onModuleInit(): Promise<void> {
    await this.dummyPasswordHash();
  }

  /**
   * The user's subject when `password` is theirs, otherwise null: the same answer for an unknown
   * user and a wrong password.
   */
  async authenticate(username: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.users.findByUsername(username);
    // An unknown user still costs one scrypt verification, so response time does not reveal
    // which usernames exist.
    const stored = user?.passwordHash ?? (await this.dummyPasswordHash());
    const valid = await this.hasher.verify(password, stored);
    // A disabled account gets the same answer, after the same work, as a wrong password.
    return user && valid && !user.disabledAt ? { sub: user.sub ?? user.username } : null;
  }

  private dummyPasswordHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomToken()).catch((error: unknown) => {
      this.dummyHash = undefined;
      throw error;
    });
    return this.dummyHash;
  }
}
