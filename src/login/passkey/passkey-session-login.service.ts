import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import {
  PasskeyAuthenticationService,
  passkeyAmr,
} from '../../passkeys/authentication/passkey-authentication.service';
import { CSRF_FAILURES, LoginCsrf } from '../login-csrf';
import { safeReturnTo } from '../return-to';
import { SessionService } from '../session.service';
import type { SiweSessionLoginResponseDto } from '../siwe-session-login-response.dto';
import type { PasskeySessionLoginDto } from './passkey-session-login.dto';

type Exchange = {
  req: Pick<Request, 'headers' | 'ip'>;
  res: Pick<Response, 'cookie' | 'clearCookie'>;
};

/**
 * "Sign in with a passkey" on the login page (POST /login/passkey): the same verification as
 * POST /passkeys/authentication/verify, ending in a login session instead of tokens, so a pending
 * /authorize request completes with the passkey's account as `sub` (consent and return_to rules
 * unchanged). The session's `amr` says `hwk` or `swk`, and `user` when the user was verified.
 */
@Injectable()
export class PasskeySessionLoginService {
  private readonly logger = new Logger(PasskeySessionLoginService.name);

  constructor(
    private readonly passkeys: PasskeyAuthenticationService,
    private readonly sessions: SessionService,
    private readonly csrf: LoginCsrf,
  ) {}

  async login(body: PasskeySessionLoginDto, http: Exchange): Promise<SiweSessionLoginResponseDto> {
    const redirect = safeReturnTo(body.return_to);
    // Checked before the assertion: a forged request must not cost the user the challenge.
    const csrf = this.csrf.check(http.req, body.csrf_token);
    if (csrf !== 'ok') {
      this.logger.warn(`Passkey login refused: CSRF check failed (${csrf})`);
      throw new InvalidRequest(CSRF_FAILURES[csrf]);
    }
    const verified = await this.passkeys.verify(body.response);
    await this.sessions.start(http, {
      sub: verified.sub,
      authMethod: 'passkey',
      amr: passkeyAmr(verified),
    });
    this.logger.log(`Passkey login session started for ${verified.sub}`);
    return { redirect };
  }
}
