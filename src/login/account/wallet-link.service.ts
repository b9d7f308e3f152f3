import { Injectable, Logger } from '@nestjs/common';
import type { SignInMethod } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import type { WalletProof } from '../../wallet/core/wallet-proof';
import { WalletSignInService } from '../../wallet/wallet-sign-in.service';
import { WalletAudiences } from '../../wallet/audience/wallet-audiences';
import { WalletNonceService } from '../../wallet/wallet-nonce.service';
import type { WalletNonceResponseDto } from '../../wallet/wallet-nonce-response.dto';

/**
 * A wallet linked to an account: the new method's proof is a SIWE or SIWS signature over a link
 * nonce issued minutes ago to this account (`nonce`; its message says it links the wallet to the
 * account). A login signature, or another account's link signature, links nothing. The caller
 * has proven the account's fresh login first, so a stale login never costs the wallet its nonce.
 * Used by the JSON API (bearer) and the account page (session and CSRF token) alike.
 */
@Injectable()
export class WalletLinkService {
  private readonly logger = new Logger(WalletLinkService.name);

  constructor(
    private readonly accounts: AccountService,
    private readonly wallets: WalletSignInService,
    private readonly nonces: WalletNonceService,
    private readonly audiences: WalletAudiences,
  ) {}

  /** A nonce and the message that links the wallet `address` on `chainId` to the account `sub`. */
  nonce(sub: string, address: string, chainId: number | string): Promise<WalletNonceResponseDto> {
    return this.nonces.issue(address, chainId, this.audiences.forLink(sub));
  }

  async link(
    sub: string,
    proof: WalletProof,
    callerAddress: string,
  ): Promise<SignInMethod & { addedAt: Date }> {
    const wallet = await this.wallets.prove(proof, callerAddress, this.audiences.accountLink(sub));
    const method = await this.accounts.link(sub, wallet.walletAccount, { callerAddress });
    this.logger.log(`Wallet ${wallet.walletAccount} linked to ${sub}`);
    return method;
  }
}
