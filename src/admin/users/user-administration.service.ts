import { Injectable } from '@nestjs/common';
import type { UserPageQuery } from '../../accounts/users/user.repository';
import { AdminError, staleRevision } from '../admin.errors';
import { usernameOf } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { Clock } from '../../platform/clock/clock';
import { SessionLogout } from '../../sessions/logout/session-logout.service';
import { UserAccount, UserAccountService } from '../../accounts/users/user-account.service';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { AccountAdministration } from '../accounts/account-administration.service';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

export interface UserDisabled {
  /** The account's subject: what was locked down. */
  readonly sub: string;
  /** False when the account already was disabled. */
  readonly changed: boolean;
  readonly sessionsEnded: number;
  readonly grantsRevoked: number;
}

export interface UserEnabled {
  readonly sub: string;
  /** False when the account was not disabled. */
  readonly changed: boolean;
}

/** `proofgate-admin users …`: password accounts, and locking an account down. */
@Injectable()
export class UserAdministration {
  constructor(
    private readonly users: UserAccountService,
    private readonly accounts: AccountService,
    private readonly administration: AccountAdministration,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
    private readonly sessionLogout: SessionLogout,
    private readonly audit: AdminAuditTrail,
  ) {}

  add(username: string, password: string, call: AdminCall): Promise<UserAccount> {
    return this.audit.around(call, 'users.create', { username }, () =>
      this.users.register(username, password),
    );
  }

  /** The password user `username`, disabled when its account is; AdminError when none. */
  async show(username: string): Promise<UserAccount> {
    const user = await this.users.find(username);
    if (!user) throw new AdminError(`no user ${username}`, 'not_found');
    const [shown] = await this.withStatus([user]);
    return shown;
  }

  /** A page of password users by username, each with its status (see list). */
  async page(page: UserPageQuery): Promise<UserAccount[]> {
    return this.withStatus(await this.users.page(page));
  }

  /** Every password user; disabled when its account is (or its password was on its own). */
  async list(): Promise<UserAccount[]> {
    return this.withStatus(await this.users.list());
  }

  private async withStatus(list: readonly UserAccount[]): Promise<UserAccount[]> {
    const disabled = await this.accounts.disabledAmong(list.map((user) => user.sub));
    return list.map((user) => {
      const disabledAt = disabled.get(user.sub) ?? user.disabledAt;
      return { ...user, ...(disabledAt ? { disabledAt } : {}) };
    });
  }

  /**
   * Replaces the password of `username`; given `expectedRevision` (the admin API's If-Match), only
   * while the user is at it: of two changes made on one reading, one lands, the other is `stale`.
   */
  setPassword(
    username: string,
    password: string,
    call: AdminCall,
    expectedRevision?: number,
  ): Promise<void> {
    return this.audit.around(call, 'users.set_password', { username }, async () => {
      const outcome = await this.users.setPassword(username, password, expectedRevision);
      if (outcome === 'stale') throw staleRevision(`user ${username}`);
    });
  }

  /**
   * Locks down the account `who` names (a username, a subject, a wallet or other method key: see
   * AccountAdministration.subjectOf): no method signs it in any more (AccountService.assertMaySignIn),
   * then its login sessions end and its grants are revoked, so that neither a browser session nor
   * a token issued before keeps it signed in. The flag first: a login that passed the check
   * before it opened its session or grant before this ends them. Run again, it ends whatever
   * was opened meanwhile.
   *
   * Given `expectedRevision` (the admin API's If-Match on the user `who`), the change is first
   * admitted by a compare-and-set of the user's revision (revised): of two callers holding one
   * reading, only the winner locks the account down; the other is `stale` and nothing is done.
   */
  disable(who: string, call: AdminCall, expectedRevision?: number): Promise<UserDisabled> {
    return this.audit.around(call, 'users.disable', { account: who }, () =>
      this.revised(who, expectedRevision, () => this.lockDown(who)),
    );
  }

  /**
   * `change` of the account of `who`, made on the user `who` at `expectedRevision` when one is
   * named (its revision moved on first, by one conditional update: the lock-down itself is in the
   * account's record, which no write of the user's can guard), else made whatever the user's
   * revision and moving on the revisions of the account's passwords (the CLI).
   */
  private async revised<T extends { readonly sub: string }>(
    who: string,
    expectedRevision: number | undefined,
    change: () => Promise<T>,
  ): Promise<T> {
    if (expectedRevision === undefined) {
      const done = await change();
      await this.users.accountChanged(done.sub);
      return done;
    }
    if ((await this.users.claimRevision(who, expectedRevision)) === 'stale') {
      throw staleRevision(`user ${who}`);
    }
    return change();
  }

  private async lockDown(who: string): Promise<UserDisabled> {
    const sub = await this.administration.subjectOf(who);
    const changed = await this.accounts.disable(sub);
    // Each session's clients get a logout token (Back-Channel Logout 1.0), which the service's
    // instances deliver from the outbox; then every grant of the account goes.
    const ended = await this.sessionLogout.endAllOf(sub, 'user_disabled');
    const sessionsEnded = ended.sessionsEnded;
    const grantsRevoked =
      ended.grantsRevoked +
      (await this.grants.revokeAll({ sub }, 'user_disabled', this.clock.now()));
    return { sub, changed, sessionsEnded, grantsRevoked };
  }

  /**
   * Lifts the lock-down of the account `who` names (and a disablement of one of its passwords
   * from before lock-downs were per account). Sign-in works again; the grants stay revoked.
   */
  enable(who: string, call: AdminCall, expectedRevision?: number): Promise<UserEnabled> {
    return this.audit.around(call, 'users.enable', { account: who }, () =>
      this.revised(who, expectedRevision, () => this.liftLockDown(who)),
    );
  }

  private async liftLockDown(who: string): Promise<UserEnabled> {
    const sub = await this.administration.subjectOf(who);
    const passwords = (await this.accounts.account(sub)).methods
      .filter((method) => method.type === 'password')
      .map((method) => usernameOf(method.key));
    const lifted = await Promise.all([
      this.accounts.enable(sub),
      this.users.enablePassword(who),
      ...passwords.map((username) => this.users.enablePassword(username)),
    ]);
    return { sub, changed: lifted.some(Boolean) };
  }
}
