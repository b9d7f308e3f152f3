import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequest } from '../platform/errors/protocol-error';
import { clientAddress } from '../platform/http/client-address';
import { WalletSignInService } from '../wallet/verify/wallet-sign-in.service';
import { CSRF_FAILURES, LoginCsrf } from './login-csrf';
import type { SiweSessionLoginDto } from './siwe-session-login.dto';
import type { SiweSessionLoginResponseDto } from './siwe-session-login-response.dto';
import { safeReturnTo } from './return-to';
import { SessionService } from './session.service';

type Exchange = {
  req: Pick<Request, 'headers' | 'ip'>;
  res: Pick<Response, 'cookie' | 'clearCookie'>;
};

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

  async login(body: SiweSessionLoginDto, http: Exchange): Promise<SiweSessionLoginResponseDto> {
    const redirect = safeReturnTo(body.return_to);

    // Checked before the signature: a forged request must not cost the wallet its nonce.
    const csrf = this.csrf.check(http.req, body.csrf_token);
    if (csrf !== 'ok') {
      this.logger.warn(`Wallet login refused: CSRF check failed (${csrf})`);
      throw new InvalidRequest(CSRF_FAILURES[csrf]);
    }

    const { sub, authMethod } = await this.wallets.verify(
      { message: body.message, signature: body.signature },
      clientAddress(http.req),
    );
    await this.sessions.start(http, { sub, authMethod });
    this.logger.log(`Wallet login session started for ${sub}`);
    return { redirect };
  }
}
