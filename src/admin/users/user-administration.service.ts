import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { SessionRepository } from '../../login/session.repository';
import { UserAccount, UserAccountService } from '../../login/users/user-account.service';
import { GrantRepository } from '../../tokens/grants/grant.repository';

export interface UserDisabled {
  /** False when the account already was disabled. */
  readonly changed: boolean;
  readonly sessionsEnded: number;
  readonly grantsRevoked: number;
}

/** `proofgate-admin users …`: password accounts, and what disabling one ends. */
@Injectable()
export class UserAdministration {
  constructor(
    private readonly accounts: UserAccountService,
    private readonly sessions: SessionRepository,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
  ) {}

  add(username: string, password: string): Promise<UserAccount> {
    return this.accounts.register(username, password);
  }

  list(): Promise<UserAccount[]> {
    return this.accounts.list();
  }

  setPassword(username: string, password: string): Promise<void> {
    return this.accounts.setPassword(username, password);
  }

  /**
   * Disables the account, then ends its login sessions and revokes its grants, so that neither
   * a browser session nor a token issued before keeps it signed in. Run again, it ends whatever
   * was opened meanwhile (a code issued just before is still redeemable for its short lifetime).
   */
  async disable(username: string): Promise<UserDisabled> {
    const changed = await this.accounts.disable(username);
    const sessionsEnded = await this.sessions.deleteAllFor(username);
    const grantsRevoked = await this.grants.revokeAll(
      { sub: username },
      'user_disabled',
      this.clock.now(),
    );
    return { changed, sessionsEnded, grantsRevoked };
  }

  /** False when the account was not disabled. */
  enable(username: string): Promise<boolean> {
    return this.accounts.enable(username);
  }
}
