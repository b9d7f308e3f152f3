import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../../platform/crypto/password-hasher';
import type { AuthenticatedUser } from './user';
import { UserRepository } from './user.repository';

/**
 * What an unknown user's password is checked against: a hash, at today's scrypt cost, of a random
 * secret nobody kept. Written here rather than computed at every start (a deliberately slow scrypt);
 * it cannot let anyone in, as it is only ever checked for a username that has no account.
 */
export const UNKNOWN_USER_PASSWORD_HASH =
  'scrypt$32768$8$1$TxhRmxdXCyMrrEOcDkI5Ng$wa3VmhuqdMcHKyuSyTjufeKXmaqMG1ItwcQkgwAyXUU';

@Injectable()
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * The user's subject when `password` is theirs, otherwise null: the same answer for an unknown
   * user and a wrong password.
   */
  async authenticate(username: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.users.findByUsername(username);
    // An unknown user still costs one scrypt verification, so response time does not reveal
    // which usernames exist.
    const stored = user?.passwordHash ?? UNKNOWN_USER_PASSWORD_HASH;
    const valid = await this.hasher.verify(password, stored);
    // A disabled account gets the same answer, after the same work, as a wrong password.
    return user && valid && !user.disabledAt ? { sub: user.sub ?? user.username } : null;
  }
}
