import { Injectable, Logger } from '@nestjs/common';
import {
  PasskeyAuthenticationService,
  passkeyAmr,
} from '../../passkeys/authentication/passkey-authentication.service';
import { LoginCsrf, type LoginExchange } from '../login-csrf';
import { safeReturnTo } from '../return-to';
import { SessionService } from '../session.service';
import type { SiweSessionLoginResponseDto } from '../siwe-session-login-response.dto';
import type { PasskeySessionLoginDto } from './passkey-session-login.dto';

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

  async login(
    body: PasskeySessionLoginDto,
    http: LoginExchange,
  ): Promise<SiweSessionLoginResponseDto> {
    const redirect = safeReturnTo(body.return_to);
    this.csrf.assertValid(http.req, body.csrf_token, 'Passkey');
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
