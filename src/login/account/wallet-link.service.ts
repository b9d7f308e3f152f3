import { Injectable, Logger } from '@nestjs/common';
import type { SignInMethod } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { MethodAlreadyLinked } from '../../accounts/accounts.errors';
import type { WalletProof } from '../../wallet/core/wallet-proof';
import { WalletSignInService } from '../../wallet/wallet-sign-in.service';
import { WalletAudiences } from '../../wallet/audience/wallet-audiences';
import { WalletNonceService } from '../../wallet/wallet-nonce.service';
import type { WalletNonceResponseDto } from '../../wallet/wallet-nonce-response.dto';
import { AccountActivityService } from './account-activity.service';

/** Said when the wallet signs in to an account of its own that is in use. */
export const WALLET_HAS_ITS_OWN_ACCOUNT =
  'This wallet signs in to an account of its own here, signed in now (a browser or an app). ' +
  'Linking it would move its sign-ins away from that account: sign in with the wallet and use ' +
  'that account, or sign it out everywhere first';

/**
 * A wallet linked to an account: the new method's proof is a SIWE or SIWS signature over a link
 * nonce issued minutes ago to this account (`nonce`; its message says it links the wallet to the
 * account). A login signature, or another account's link signature, links nothing. The caller
 * has proven the account's fresh login first, so a stale login never costs the wallet its nonce.
 * Used by the JSON API (bearer) and the account page (session and CSRF token) alike.
 *
 * A wallet no account lists signs in to an account of its own (its CAIP-10 id is the subject),
 * which linking it elsewhere would leave behind. That is refused while the wallet's own account
 * is signed in anywhere (a live session or grant): a link message relayed from a phishing page,
 * signed by a wallet that does not check the message's domain, would otherwise move an account
 * someone uses to the phisher's (docs/SECURITY.md).
 */
@Injectable()
export class WalletLinkService {
  private readonly logger = new Logger(WalletLinkService.name);

  constructor(
    private readonly accounts: AccountService,
    private readonly wallets: WalletSignInService,
    private readonly nonces: WalletNonceService,
    private readonly audiences: WalletAudiences,
    private readonly activity: AccountActivityService,
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
    const own = wallet.walletAccount;
    if (own !== sub) {
      // One round: whether an account lists the wallet (then the claim decides), and whether its
      // own account is signed in anywhere.
      const [listed, inUse] = await Promise.all([
        this.accounts.findMethod(own),
        this.activity.inUse(own),
      ]);
      if (listed === null && inUse) throw new MethodAlreadyLinked(WALLET_HAS_ITS_OWN_ACCOUNT);
    }
    const method = await this.accounts.link(sub, wallet.walletAccount, { callerAddress });
    this.logger.log(`Wallet ${wallet.walletAccount} linked to ${sub}`);
    return method;
  }
}
