import { Injectable, Logger } from '@nestjs/common';
import type { WithHeaders } from '../platform/http/cookies';
import type { CookieWriter } from '../platform/http/http-exchange';
import { CsrfProtection } from '../platform/csrf/csrf-protection';
import type { LogoutFormDto } from './logout-form.dto';
import { safeReturnTo } from '../sessions/return-to';
import { SessionService } from '../sessions/session.service';
import { SessionLogout } from './logout/session-logout.service';

export const AFTER_LOGOUT = '/login';

type Exchange = { req: WithHeaders; res: Pick<CookieWriter, 'clearCookie'> };

/** Signing out (POST /logout): ends the login session on the server and clears its cookie. */
@Injectable()
export class LogoutService {
  private readonly logger = new Logger(LogoutService.name);

  constructor(
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
    private readonly sessionLogout: SessionLogout,
  ) {}

  /** Where the browser goes next: a return_to the return_to rules keep as is, else /login. */
  async logout(form: LogoutFormDto, http: Exchange): Promise<string> {
    // A cross-site form must not be able to sign the user out (and so out of a pending flow).
    this.csrf.assertValid(http.req, form.csrf_token);
    // Back-Channel Logout 1.0: the clients that got tokens in the session hear of its end.
    const ended = await this.sessionLogout.end(this.sessions.idHashesToEnd(http.req), 'logged_out');
    for (const session of ended) this.logger.log(`Session ended for ${session.sub}`);
    this.sessions.clearCookies(http.req, http.res);
    const { return_to: returnTo } = form;
    return returnTo !== undefined && safeReturnTo(returnTo) === returnTo ? returnTo : AFTER_LOGOUT;
  }
}
