import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfProtection } from '../platform/csrf/csrf-protection';
import type { LogoutFormDto } from './logout-form.dto';
import { safeReturnTo } from './return-to';
import { SessionService } from './session.service';

export const AFTER_LOGOUT = '/login';

type Exchange = { req: Pick<Request, 'headers'>; res: Pick<Response, 'clearCookie'> };

/** Signing out (POST /logout): ends the login session on the server and clears its cookie. */
@Injectable()
export class LogoutService {
  private readonly logger = new Logger(LogoutService.name);

  constructor(
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
  ) {}

  /** Where the browser goes next: a return_to the return_to rules keep as is, else /login. */
  async logout(form: LogoutFormDto, http: Exchange): Promise<string> {
    // A cross-site form must not be able to sign the user out (and so out of a pending flow).
    this.csrf.assertValid(http.req, form.csrf_token);
    const session = await this.sessions.current(http.req);
    await this.sessions.end(http.req, http.res);
    if (session) this.logger.log(`Session ended for ${session.sub}`);
    const { return_to: returnTo } = form;
    return returnTo !== undefined && safeReturnTo(returnTo) === returnTo ? returnTo : AFTER_LOGOUT;
  }
}
