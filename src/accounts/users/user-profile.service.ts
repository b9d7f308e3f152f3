import { Injectable } from '@nestjs/common';
import { AccountService } from '../account.service';
import { subjectIsUsername } from '../account';
import type { ProfileClaimValues } from '../../protocol-rules/claims-request';
import { UserRepository } from './user.repository';

/**
 * OpenID Connect Core §5.1 profile claims of an account, for the `profile` scope and the `claims`
 * parameter. Proofgate keeps no display name apart from the username a user chose: `name` and
 * `preferred_username` are the account's username (AccountService.profile), and a wallet- or
 * passkey-only account, which has none, has neither. `updated_at` is when the account's sign-in
 * methods (where its name comes from) last changed, or for an account that never linked another
 * method, when its password user was created.
 */
@Injectable()
export class UserProfiles {
  constructor(
    private readonly accounts: AccountService,
    private readonly users: UserRepository,
  ) {}

  /**
   * The claims of `sub`'s profile: one read of the account's record, and beside it, for a
   * subject that is a username, one of its password user (when it was created).
   */
  async claimsOf(sub: string): Promise<ProfileClaimValues> {
    const ownPassword = subjectIsUsername(sub);
    const [profile, user] = await Promise.all([
      this.accounts.profile(sub),
      ownPassword ? this.users.findByUsername(sub) : Promise.resolve(null),
    ]);
    const updatedAt = profile.updatedAt ?? user?.createdAt;
    return {
      ...(profile.username === undefined
        ? {}
        : { name: profile.username, preferred_username: profile.username }),
      ...(updatedAt === undefined ? {} : { updated_at: Math.floor(updatedAt.getTime() / 1000) }),
      // Every email method was added by its code: the address is verified.
      ...(profile.email === undefined ? {} : { email: profile.email, email_verified: true }),
      // What the account's identity credential disclosed at its latest sign-in, nothing else.
      ...profile.credential,
    };
  }
}
