import { Injectable, Logger } from '@nestjs/common';
import { methodTypeOf, usernameOf } from '../../accounts/account';
import type { ChangeInitiator } from '../../accounts/account.events';
import { AccountService } from '../../accounts/account.service';
import { UserAccountService } from '../../accounts/users/user-account.service';
import { Clock } from '../../platform/clock/clock';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { SessionLogout } from './session-logout.service';

/**
 * Why the sessions and grants of a removed method end: its owner removed it, or an operator did
 * (an ending the Shared Signals tell as the admin's, CAEP 1.0 §3.1 `initiating_entity`).
 */
const METHOD_REMOVED = 'method_removed';
const METHOD_REMOVED_BY_ADMIN = 'method_removed_by_admin';

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

  /**
   * `expectedRevision`: the account's revision the caller read (AccountService.unlink);
   * `initiator`: `admin` when an operator removes it; absent, the account's owner.
   */
  async remove(
    sub: string,
    methodKey: string,
    expectedRevision?: number,
    initiator?: ChangeInitiator,
  ): Promise<MethodRemoved> {
    await this.accounts.unlink(sub, methodKey, expectedRevision, initiator);
    const reason = initiator === 'admin' ? METHOD_REMOVED_BY_ADMIN : METHOD_REMOVED;
    // After the listing went (the rules passed): a password that no longer signs in.
    if (methodTypeOf(methodKey) === 'password') {
      await this.users.removePassword(sub, usernameOf(methodKey));
    }
    // The sessions that method proved end, and their clients get logout tokens (Back-Channel
    // Logout 1.0); then every grant its logins opened goes, those without a session too.
    const ended = await this.sessionLogout.endAllOf(sub, reason, methodKey);
    const sessionsEnded = ended.sessionsEnded;
    const grantsRevoked =
      ended.grantsRevoked +
      (await this.grants.revokeAll({ sub, methodKey }, reason, this.clock.now()));
    this.logger.log(
      `Removing a ${methodTypeOf(methodKey)} method of ${sub} ended ${sessionsEnded} session(s) and revoked ${grantsRevoked} grant(s)`,
    );
    return { sessionsEnded, grantsRevoked };
  }
}
