import { Injectable, Logger } from '@nestjs/common';
import { LoginCsrf, type LoginExchange } from './login-csrf';
import type { LoginPageFieldsDto } from './login-page-fields.dto';
import { safeReturnTo } from '../sessions/return-to';
import type { SessionIdentity } from '../sessions/session';
import { SessionService } from '../sessions/session.service';
import type { PageSignInResponseDto } from './page-sign-in-response.dto';

/**
 * A JSON sign-in from the login page's script (POST /login/siwe, POST /login/passkey), whatever
 * proves it: return_to and the CSRF token are checked before the proof is (the proof spends its
 * nonce or challenge, which a forged request must not cost the user), then a login session starts
 * for whom the proof names and the page is told where to go next.
 */
@Injectable()
export class PageSignIn {
  private readonly logger = new Logger(PageSignIn.name);

  constructor(
    private readonly sessions: SessionService,
    private readonly csrf: LoginCsrf,
  ) {}

  /** `login` names the proof in log lines ('Wallet', 'Passkey'); `prove` checks it. */
  async complete(
    http: LoginExchange,
    fields: LoginPageFieldsDto,
    login: string,
    prove: () => Promise<SessionIdentity>,
  ): Promise<PageSignInResponseDto> {
    const redirect = safeReturnTo(fields.return_to);
    return this.completeTo(http, fields.csrf_token, login, async () => ({
      identity: await prove(),
      returnTo: redirect,
    }));
  }

  /**
   * The same for a proof that carries where the login goes (an email link: the return_to the code
   * was asked for with, kept in its challenge), checked by `safeReturnTo` as a field would be.
   */
  async completeTo(
    http: LoginExchange,
    csrfToken: string | undefined,
    login: string,
    prove: () => Promise<{ identity: SessionIdentity; returnTo?: string }>,
  ): Promise<PageSignInResponseDto> {
    this.csrf.assertValid(http.req, csrfToken, login);
    const { identity, returnTo } = await prove();
    await this.sessions.start(http, identity);
    this.logger.log(`${login} login session started for ${identity.sub}`);
    return { redirect: safeReturnTo(returnTo) };
  }
}
