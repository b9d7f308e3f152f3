import { Injectable } from '@nestjs/common';
import { clientAddress } from '../platform/http/client-address';
import { WalletSignInService } from '../wallet/verify/wallet-sign-in.service';
import type { LoginExchange } from './login-csrf';
import { PageSignIn } from './page-sign-in';
import type { SiweSessionLoginDto } from './siwe-session-login.dto';
import type { SiweSessionLoginResponseDto } from './siwe-session-login-response.dto';

/**
 * "Sign in with Ethereum" and "Sign in with Solana" on the login page (POST /login/siwe): the
 * same wallet verification as POST /wallet/verify (EIP-4361 or CAIP-122 Solana, as the signed
 * message says), ending in a login session instead of tokens, so a pending /authorize request
 * completes with the wallet's CAIP-10 account as `sub`.
 */
@Injectable()
export class SiweSessionLoginService {
  constructor(
    private readonly wallets: WalletSignInService,
    private readonly signIn: PageSignIn,
  ) {}

  login(body: SiweSessionLoginDto, http: LoginExchange): Promise<SiweSessionLoginResponseDto> {
    return this.signIn.complete(http, body, 'Wallet', async () => {
      const { sub, authMethod, walletAccount } = await this.wallets.verify(
        { message: body.message, signature: body.signature },
        clientAddress(http.req),
      );
      return { sub, authMethod, methodKey: walletAccount };
    });
  }
}
