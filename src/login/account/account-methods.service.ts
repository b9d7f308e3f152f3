import { Injectable } from '@nestjs/common';
import type { PageLocale } from '../../platform/i18n/page-locale';
import type { Account, SignInMethod } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { AccountBearerAuthenticator } from '../../tokens/grants/account-bearer.authenticator';
import type { WalletProof } from '../../wallet/core/wallet-proof';
import type { WalletNonceResponseDto } from '../../wallet/wallet-nonce-response.dto';
import type { AccountMethodDto, AccountMethodsResponseDto } from './account-method.dto';
import type { PresentedToken } from '../../tokens/grants/grant-bearer.authenticator';
import { MethodRemoval } from '../../sessions/logout/method-removal.service';
import { PasswordLinkService } from './password-link.service';
import { WalletLinkService } from './wallet-link.service';
import { EmailAccountLink } from '../../email/email-account-link.service';

export function methodView(method: SignInMethod): AccountMethodDto {
  return {
    method: method.key,
    type: method.type,
    ...(method.addedAt ? { added_at: method.addedAt.toISOString() } : {}),
    ...(method.upstream?.email === undefined ? {} : { email: method.upstream.email }),
    ...(method.issuedBy === undefined ? {} : { ...method.issuedBy }),
    ...(method.passkey === undefined
      ? {}
      : {
          hardware_bound: method.passkey.hardwareBound === true,
          ...(method.passkey.authenticatorName === undefined
            ? {}
            : { authenticator_name: method.passkey.authenticatorName }),
        }),
  };
}

export function accountView(account: Account): AccountMethodsResponseDto {
  return { sub: account.sub, methods: account.methods.map(methodView) };
}

/**
 * The account's own sign-in methods, for the bearer of an `account`-scoped token: listing them,
 * linking a wallet, removing one. A change needs both proofs fresh: the token's login at most
 * ACCOUNT_RECENT_LOGIN_SECONDS old, and the new method's own proof (a SIWE or SIWS signature over a
 * nonce issued minutes ago; a password set).
 */
@Injectable()
export class AccountMethodsService {
  constructor(
    private readonly bearer: AccountBearerAuthenticator,
    private readonly accounts: AccountService,
    private readonly wallets: WalletLinkService,
    private readonly passwords: PasswordLinkService,
    private readonly removal: MethodRemoval,
    private readonly emails: EmailAccountLink,
  ) {}

  async list(presented: PresentedToken): Promise<AccountMethodsResponseDto> {
    const { sub } = await this.bearer.authenticate(presented, { recentLogin: false });
    return accountView(await this.accounts.account(sub));
  }

  /** A link nonce for the bearer's account: its message links the wallet and does nothing else. */
  async walletNonce(
    presented: PresentedToken,
    address: string,
    chainId: number | string,
  ): Promise<WalletNonceResponseDto> {
    const { sub } = await this.bearer.authenticate(presented);
    return this.wallets.nonce(sub, address, chainId);
  }

  /** Links the wallet that signed `proof` (a link message for this account) to the bearer's account. */
  async linkWallet(
    presented: PresentedToken,
    proof: WalletProof,
    callerAddress: string,
  ): Promise<AccountMethodDto> {
    // The account's proof first: a bad token must not cost the wallet its nonce.
    const { sub } = await this.bearer.authenticate(presented);
    return methodView(await this.wallets.link(sub, proof, callerAddress));
  }

  /** Mails the code that adds `email` to the bearer's account, in `locale`. */
  async sendEmailCode(presented: PresentedToken, email: string, locale: PageLocale): Promise<void> {
    const { sub } = await this.bearer.authenticate(presented);
    await this.emails.sendCode(sub, email, locale);
  }

  /** Adds the address whose code the bearer's account presents. */
  async linkEmail(
    presented: PresentedToken,
    code: string,
    callerAddress: string,
  ): Promise<AccountMethodDto> {
    const { sub } = await this.bearer.authenticate(presented);
    return methodView(await this.emails.link(sub, code, callerAddress));
  }

  /** Sets a password for the bearer's account (one without one: a wallet account). */
  async linkPassword(
    presented: PresentedToken,
    username: string,
    password: string,
    callerAddress: string,
  ): Promise<AccountMethodDto> {
    const { sub } = await this.bearer.authenticate(presented);
    return methodView(await this.passwords.link(sub, username, password, callerAddress));
  }

  /**
   * Removes a method (never the last; a password too), ending the sessions and revoking the
   * grants its logins started (see MethodRemoval); answers the methods left.
   */
  async unlink(presented: PresentedToken, methodKey: string): Promise<AccountMethodsResponseDto> {
    const { sub } = await this.bearer.authenticate(presented);
    await this.removal.remove(sub, methodKey);
    return accountView(await this.accounts.account(sub));
  }
}
