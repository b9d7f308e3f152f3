import { Injectable, Logger } from '@nestjs/common';
import { clientAddress } from '../platform/http/client-address';
import { WalletSignInService } from '../wallet/verify/wallet-sign-in.service';
import { LoginCsrf, type LoginExchange } from './login-csrf';
import type { SiweSessionLoginDto } from './siwe-session-login.dto';
import type { SiweSessionLoginResponseDto } from './siwe-session-login-response.dto';
import { safeReturnTo } from './return-to';
import { SessionService } from './session.service';

/**
 * "Sign in with Ethereum" and "Sign in with Solana" on the login page (POST /login/siwe): the
 * same wallet verification as POST /wallet/verify (EIP-4361 or CAIP-122 Solana, as the signed
 * message says), ending in a login session instead of tokens, so a pending /authorize request
 * completes with the wallet's CAIP-10 account as `sub`.
 */
@Injectable()
export class SiweSessionLoginService {
  private readonly logger = new Logger(SiweSessionLoginService.name);

  constructor(
    private readonly wallets: WalletSignInService,
    private readonly sessions: SessionService,
    private readonly csrf: LoginCsrf,
  ) {}

  async login(
    body: SiweSessionLoginDto,
    http: LoginExchange,
  ): Promise<SiweSessionLoginResponseDto> {
    const redirect = safeReturnTo(body.return_to);
    this.csrf.assertValid(http.req, body.csrf_token, 'Wallet');
    const { sub, authMethod } = await this.wallets.verify(
      { message: body.message, signature: body.signature },
      clientAddress(http.req),
    );
    await this.sessions.start(http, { sub, authMethod });
    this.logger.log(`Wallet login session started for ${sub}`);
    return { redirect };
  }
}
