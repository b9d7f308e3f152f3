import { Injectable } from '@nestjs/common';
import { AccountService } from '../../accounts/account.service';
import { AccountDisabled } from '../../accounts/accounts.errors';
import { walletMethodKey } from '../../accounts/account';
import { UserAccountService } from '../../accounts/users/user-account.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { IdTokenHintVerifier } from '../../tokens/id-token-hint.verifier';
import { LOGIN_HINT_MAX_LENGTH } from './backchannel-authentication-request.dto';

/** The hints of CIBA Core 1.0 §7.1 a request may carry; exactly one of them. */
export interface CibaHints {
  readonly login_hint?: string;
  readonly id_token_hint?: string;
  readonly login_hint_token?: string;
}

/** Whom a backchannel request asks. */
export interface AskedPerson {
  /** The account's subject; absent when the hint names nobody who may be asked. */
  readonly account?: string;
  /**
   * The account's subject, else the name the hint gave (an id_token_hint's subject, the
   * login_hint as sent): what a client's pending requests are counted by, for an account and for
   * nobody alike.
   */
  readonly name: string;
}

/**
 * CIBA Core 1.0 §7.1: whom a backchannel request asks. Exactly one hint: a `login_hint` (a
 * username, a wallet's CAIP-10 account, or an account's subject) or an `id_token_hint` this
 * server issued to the client. Answers the account's subject, absent when the hint names nobody
 * who may be asked (no such account, or one locked down): the caller answers the same as for a
 * known account, and the request stays pending until it expires (§7.3 leaves the choice;
 * answering `unknown_user_id` would let any client learn who has an account here).
 */
@Injectable()
export class CibaHintResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly users: UserAccountService,
    private readonly idTokenHints: IdTokenHintVerifier,
  ) {}

  async asked(client: OAuthClient, hints: CibaHints): Promise<AskedPerson> {
    const { account, named } = await this.accountOf(client, hints);
    return account === undefined ? { name: named } : { account, name: account };
  }

  /** The account the one hint names, if it may be asked, and the name the hint gave. */
  private async accountOf(
    client: OAuthClient,
    hints: CibaHints,
  ): Promise<{ account: string | undefined; named: string }> {
    const given = [hints.login_hint, hints.id_token_hint, hints.login_hint_token].filter(
      (hint) => hint !== undefined,
    );
    if (given.length !== 1) {
      throw new InvalidRequest(
        'Exactly one of login_hint and id_token_hint is required (CIBA Core 1.0 §7.1)',
      ).because(given.length === 0 ? 'no_hint' : 'several_hints');
    }
    if (hints.login_hint_token !== undefined) {
      throw new InvalidRequest(
        'login_hint_token is not supported: send login_hint or id_token_hint',
      ).because('login_hint_token');
    }
    if (hints.id_token_hint !== undefined) {
      const hint = await this.idTokenHints.verify(hints.id_token_hint);
      // §7.1: an ID token "previously issued to the Client".
      if (!hint.audiences.includes(client.clientId)) {
        throw new InvalidRequest('id_token_hint was not issued to this client').because(
          'id_token_hint_audience',
        );
      }
      return { account: await this.mayBeAsked(hint.sub), named: hint.sub };
    }
    const loginHint = hints.login_hint as string;
    // Checked before any read: an unknown hint is kept as the pending request's name.
    if (loginHint.length > LOGIN_HINT_MAX_LENGTH) {
      throw new InvalidRequest(
        `login_hint is longer than any account's name can be (at most ${LOGIN_HINT_MAX_LENGTH} characters)`,
      ).because('login_hint_length');
    }
    return { account: await this.loginHintAccount(loginHint), named: loginHint };
  }

  private async loginHintAccount(hint: string): Promise<string | undefined> {
    // A username holds no colon; a wallet account is CAIP-10, three parts; anything else with a
    // colon is a subject (minted `account:…`, `upstream:…`).
    if (!hint.includes(':')) {
      const sub = await this.users.subjectOf(hint);
      // The lock-down read either way: an unknown name costs what a known one does.
      const asked = await this.mayBeAsked(sub ?? NOBODY);
      return sub === null ? undefined : asked;
    }
    const walletKey = caip10(hint);
    if (walletKey !== undefined) {
      // The account whose record lists the wallet, else the wallet's own; with its lock-down.
      const decision = await this.accounts.signInOf(walletKey, walletKey);
      return decision.refusal === undefined ? decision.sub : undefined;
    }
    const [account, asked] = await Promise.all([
      this.accounts.account(hint),
      this.mayBeAsked(hint),
    ]);
    return account.methods.length === 0 ? undefined : asked;
  }

  /** `sub`, unless its account is locked down. */
  private async mayBeAsked(sub: string): Promise<string | undefined> {
    try {
      await this.accounts.assertMaySignIn(sub);
      return sub;
    } catch (error) {
      if (error instanceof AccountDisabled) return undefined;
      throw error;
    }
  }
}

/**
 * A subject no account has (a minted subject's shape, but words no 128-bit random draw gives):
 * read in place of an unknown username's, so that both cost the same reads.
 */
const NOBODY = 'account:nobody-is-asked-here00';

/** The method key of a CAIP-10 account id, as the wallet login builds it; undefined otherwise. */
function caip10(hint: string): string | undefined {
  try {
    return walletMethodKey(hint);
  } catch {
    return undefined;
  }
}
