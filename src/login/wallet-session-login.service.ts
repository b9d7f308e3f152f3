import { Injectable } from '@nestjs/common';
import { clientAddress } from '../platform/http/client-address';
import { WalletSignInService } from '../wallet/wallet-sign-in.service';
import { CSRF_FAILURES, type LoginExchange } from './login-csrf';
import { CsrfProtection } from '../platform/csrf/csrf-protection';
import { InvalidRequest } from '../platform/errors/protocol-error';
import { WalletAudiences } from '../wallet/audience/wallet-audiences';
import { PageSignIn } from './page-sign-in';
import type { WalletSessionLoginDto } from './wallet-session-login.dto';
import type { PageSignInResponseDto } from './page-sign-in-response.dto';

/**
 * "Sign in with Ethereum" and "Sign in with Solana" on the login page (POST /login/siwe): the
 * same wallet verification as POST /wallet/verify (EIP-4361 or CAIP-122 Solana, as the signed
 * message says), ending in a login session instead of tokens, so a pending /authorize request
 * completes with the wallet's CAIP-10 account as `sub`.
 */
@Injectable()
export class WalletSessionLoginService {
  constructor(
    private readonly wallets: WalletSignInService,
    private readonly audiences: WalletAudiences,
    private readonly csrf: CsrfProtection,
    private readonly signIn: PageSignIn,
  ) {}

  /**
   * Only a message issued to this browser's login page (POST /wallet/nonce with its cookies)
   * signs in here: a signature a dApp collected, or one meant for linking, opens no session.
   */
  login(body: WalletSessionLoginDto, http: LoginExchange): Promise<PageSignInResponseDto> {
    return this.signIn.complete(http, body, 'Wallet', async () => {
      // The CSRF check has passed: the browser sent its pre-login session cookie.
      const browserSession = this.csrf.browserSession(http.req);
      if (browserSession === undefined) throw new InvalidRequest(CSRF_FAILURES.missing_cookie);
      const { sub, authMethod, walletAccount } = await this.wallets.verify(
        { message: body.message, signature: body.signature },
        clientAddress(http.req),
        this.audiences.pageLogin(browserSession),
      );
      return { sub, authMethod, methodKey: walletAccount };
    });
  }
}
