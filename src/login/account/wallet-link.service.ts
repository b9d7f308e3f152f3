import { Injectable, Logger } from '@nestjs/common';
import type { SignInMethod } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import type { WalletProof } from '../../wallet/verify/wallet-proof';
import { WalletSignInService } from '../../wallet/verify/wallet-sign-in.service';

/**
 * A wallet linked to an account: the new method's proof is a SIWE or SIWS signature over a nonce
 * issued minutes ago (the message says which). The caller has proven the account's fresh login
 * first, so a stale login never costs the wallet its nonce. Used by the JSON API (bearer) and the
 * account page (session and CSRF token) alike.
 */
@Injectable()
export class WalletLinkService {
  private readonly logger = new Logger(WalletLinkService.name);

  constructor(
    private readonly accounts: AccountService,
    private readonly wallets: WalletSignInService,
  ) {}

  async link(
    sub: string,
    proof: WalletProof,
    callerAddress: string,
  ): Promise<SignInMethod & { addedAt: Date }> {
    const wallet = await this.wallets.verify(proof, callerAddress);
    const method = await this.accounts.link(sub, wallet.walletAccount, { callerAddress });
    this.logger.log(`Wallet ${wallet.walletAccount} linked to ${sub}`);
    return method;
  }
}
