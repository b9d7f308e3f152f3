import { Injectable, Logger } from '@nestjs/common';
import { methodTypeOf, usernameOf } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { UserAccountService } from '../../accounts/users/user-account.service';
import { Clock } from '../../platform/clock/clock';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { SessionLogout } from './session-logout.service';

export interface MethodRemoved {
  readonly sessionsEnded: number;
  readonly grantsRevoked: number;
}

/**
 * Removing a sign-in method from an account, by its owner (/account, /account/methods) or an
 * operator (proofgate-admin accounts unlink, passkeys remove): the account's rules first (never
 * its last method, never the wallet it is: AccountService.unlink), then a password's record, then
 * what the method's logins opened: a method taken away (a lost passkey, a wallet given away, a
 * password someone learnt) must not stay signed in through a session or a grant it started.
 * Sessions and grants from before their method was recorded are not found this way; signing out
 * everywhere ends them.
 */
@Injectable()
export class MethodRemoval {
  private readonly logger = new Logger(MethodRemoval.name);

  constructor(
    private readonly accounts: AccountService,
    private readonly users: UserAccountService,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
    private readonly sessionLogout: SessionLogout,
  ) {}

  /** `expectedRevision`: the account's revision the caller read (AccountService.unlink). */
  async remove(sub: string, methodKey: string, expectedRevision?: number): Promise<MethodRemoved> {
    await this.accounts.unlink(sub, methodKey, expectedRevision);
    // After the listing went (the rules passed): a password that no longer signs in.
    if (methodTypeOf(methodKey) === 'password') {
      await this.users.removePassword(sub, usernameOf(methodKey));
    }
    // The sessions that method proved end, and their clients get logout tokens (Back-Channel
    // Logout 1.0); then every grant its logins opened goes, those without a session too.
    const ended = await this.sessionLogout.endAllOf(sub, 'method_removed', methodKey);
    const sessionsEnded = ended.sessionsEnded;
    const grantsRevoked =
      ended.grantsRevoked +
      (await this.grants.revokeAll({ sub, methodKey }, 'method_removed', this.clock.now()));
    this.logger.log(
      `Removing a ${methodTypeOf(methodKey)} method of ${sub} ended ${sessionsEnded} session(s) and revoked ${grantsRevoked} grant(s)`,
    );
    return { sessionsEnded, grantsRevoked };
  }
}
