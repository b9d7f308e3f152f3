import { Injectable, Logger } from '@nestjs/common';
import { type SignInMethod, passwordMethodKey, subjectIsUsername } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import {
  UserAccountError,
  UserAccountService,
  checkPassword,
} from '../../accounts/users/user-account.service';
import { PasswordAlreadySet, UsernameTaken } from './password-link.errors';

/**
 * A password for an account created by another method (a wallet): the "password set" proof of
 * #20's linking rule. The caller has proven the account's fresh login; the new method's proof is
 * choosing the password. The username then signs in at /login with the account's own subject
 * (never the username: subjects never change).
 *
 * Writes: the user record first (its `_id`, the username, is what makes a username taken, and a
 * unique `sub` what makes the account's password its only one, however requests race), then the
 * method index entry; when that is refused (another account, too many
 * methods), the user record is removed again. A crash between the two leaves a password that
 * works but is not listed, of the account's own choosing.
 *
 * An account a password created (its subject is the username) whose owner removed that password
 * keeps its name (UserRepository.removePassword): it sets a password again under that name only,
 * which gives the name's record its hash back.
 */
@Injectable()
export class PasswordLinkService {
  private readonly logger = new Logger(PasswordLinkService.name);

  constructor(
    private readonly accounts: AccountService,
    private readonly users: UserAccountService,
  ) {}

  async link(
    sub: string,
    username: string,
    password: string,
    callerAddress: string,
  ): Promise<SignInMethod & { addedAt: Date }> {
    if (subjectIsUsername(sub)) return this.restore(sub, { username, password }, callerAddress);
    const registered = await underTheRules(this.users.registerForAccount(sub, username, password));
    if (registered === 'username_taken') {
      throw new UsernameTaken('This username is taken; choose another');
    }
    if (registered === 'account_has_one') {
      throw new PasswordAlreadySet('This account has a password already');
    }
    try {
      const method = await this.accounts.link(sub, passwordMethodKey(username), {
        callerAddress,
      });
      this.logger.log(`Password set for ${sub}`);
      return method;
    } catch (error) {
      await this.users.removeForAccount(sub, username);
      throw error;
    }
  }

  /**
   * A password is set when the account lists it and its name's record has a hash: either alone
   * signs nobody in (a removal drops the listing, then the hash). Otherwise the listing is written
   * (or found), then the hash, on the condition that it is still the one read here, so of two
   * requests racing one sets it, and a set or a removal cut short between its two writes is
   * finished by trying again.
   */
  private async restore(
    sub: string,
    { username, password }: { username: string; password: string },
    callerAddress: string,
  ): Promise<SignInMethod & { addedAt: Date }> {
    const key = passwordMethodKey(sub);
    const [{ methods }, seen] = await Promise.all([
      this.accounts.account(sub),
      this.users.passwordHashOf(sub),
    ]);
    if (seen !== undefined && methods.some((method) => method.key === key)) throw alreadySet();
    if (username !== sub) {
      throw new InvalidRequest(
        `This account is named ${sub}: its password signs in with that username`,
      ).because('username_is_subject');
    }
    await underTheRules(Promise.resolve().then(() => checkPassword(password)));
    const method = await this.accounts.link(sub, key, { callerAddress });
    if (!(await underTheRules(this.users.restorePassword(sub, password, seen)))) {
      throw alreadySet();
    }
    this.logger.log(`Password set again for ${sub}`);
    return method;
  }
}

function alreadySet(): PasswordAlreadySet {
  return new PasswordAlreadySet('This account signs in with a password already');
}

/**
 * A user record's write, its rules' refusal a 400 in their own words (never the password), tagged
 * with the rule it broke (the account page says it in the person's language).
 */
async function underTheRules<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof UserAccountError) {
      throw new InvalidRequest(error.message).because(error.rule ?? 'account_rules');
    }
    throw error;
  }
}
