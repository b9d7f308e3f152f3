import { Injectable } from '@nestjs/common';
import { type SignInMethod, emailMethodKey, methodTypeOf } from '../../accounts/account';
import { normalizeEmail } from '../../email/email-address';
import { AccountService } from '../../accounts/account.service';
import { WalletConfig } from '../../config/sections/wallet.config';
import { UserAccountService } from '../../accounts/users/user-account.service';
import { AdminError } from '../admin.errors';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';
import { MethodRemoval, type MethodRemoved } from '../../sessions/logout/method-removal.service';
import { walletAccountId } from './wallet-account-id';
import { OperatorRepository } from '../../accounts/operators/operator';

/** An operator's link: the method as the account holds it, and whether this call linked it. */
export interface OperatorLink {
  readonly method: SignInMethod & { addedAt: Date };
  readonly created: boolean;
}

/** `proofgate-admin accounts …`: which account an operator means, and linking a wallet to it. */
@Injectable()
export class AccountAdministration {
  constructor(
    private readonly accounts: AccountService,
    private readonly users: UserAccountService,
    private readonly wallet: WalletConfig,
    private readonly audit: AdminAuditTrail,
    private readonly removal: MethodRemoval,
    private readonly operators: OperatorRepository,
  ) {}

  /** The sign-in methods of the account `sub` (none listed: an account of one wallet, or none). */
  async methodsOf(sub: string): Promise<readonly SignInMethod[]> {
    return (await this.accounts.account(sub)).methods;
  }

  /**
   * The account `who` names (see subjectOf), with its sign-in methods and whether it holds the
   * operator role (`operators add`).
   */
  async account(who: string): Promise<{
    sub: string;
    operator: boolean;
    methods: readonly SignInMethod[];
    revision: number;
  }> {
    const sub = await this.subjectOf(who);
    const [account, operator] = await Promise.all([
      this.accounts.account(sub),
      this.operators.isOperator(sub),
    ]);
    return { sub, operator, methods: account.methods, revision: account.revision };
  }

  /**
   * Removes a sign-in method from the account `sub` (never its last, see AccountService.unlink),
   * ending the sessions and grants its sign-ins started (MethodRemoval). Given
   * `expectedRevision` (the admin API's If-Match), only while the account is at that revision:
   * the guard of "never the last" and the revision are one conditional update.
   */
  unlink(
    sub: string,
    methodKey: string,
    call: AdminCall,
    expectedRevision?: number,
  ): Promise<MethodRemoved> {
    return this.audit.around(call, 'accounts.unlink', { sub, method: methodKey }, () =>
      this.removal.remove(sub, methodKey, expectedRevision, 'admin'),
    );
  }

  /**
   * The subject of the account `who` names: a username (its password's account), a method key
   * (a wallet's CAIP-10 id, `passkey:…`, `password:…`: the account it signs in; a wallet no
   * account lists is an account of its own), or a subject with methods listed. AdminError when
   * none of them.
   */
  async subjectOf(who: string): Promise<string> {
    const type = methodTypeOf(who);
    if (type === 'wallet') {
      const key = walletAccountId(who, this.wallet);
      return this.accounts.subjectFor(key, key);
    }
    if (type !== undefined) {
      const method = await this.accounts.findMethod(who);
      if (!method) throw new AdminError(`no account has the sign-in method ${who}`, 'not_found');
      return method.sub;
    }
    const sub = await this.users.subjectOf(who);
    if (sub !== null) return sub;
    if (await this.accounts.hasAddedMethod(who)) return who;
    throw new AdminError(`no user or account ${who}`, 'not_found');
  }

  /**
   * Links a wallet to the account `user` names, without the wallet's signature (a support case
   * the operator has checked by other means): the subject must exist (see subjectOf: a username
   * that is no user is refused), the wallet id is checked (see walletAccountId).
   */
  linkWallet(user: string, wallet: string, call: AdminCall): Promise<OperatorLink> {
    return this.audit.around(call, 'accounts.link', { account: user, method: wallet }, () =>
      this.linkWalletNow(user, wallet),
    );
  }

  private async linkWalletNow(user: string, wallet: string): Promise<OperatorLink> {
    const key = walletAccountId(wallet, this.wallet);
    const sub = await this.subjectOf(user);
    return this.accounts.linkByOperator(sub, key);
  }

  /**
   * Links an email address to the account `user` names, without a code (the operator checked the
   * address by other means): from then on it is the account's verified address (`email` claim)
   * and signs in to it by email.
   */
  linkEmail(user: string, email: string, call: AdminCall): Promise<OperatorLink> {
    return this.audit.around(call, 'accounts.link', { account: user, method: 'email' }, () =>
      this.linkEmailNow(user, email),
    );
  }

  private async linkEmailNow(user: string, email: string): Promise<OperatorLink> {
    const address = normalizeEmail(email);
    // Not echoed: the refused input may hold the very characters that would garble a terminal.
    if (!address.ok)
      throw new AdminError(`not an email address Proofgate takes: it ${address.problem}`);
    const sub = await this.subjectOf(user);
    return this.accounts.linkByOperator(sub, emailMethodKey(address.address));
  }
}
