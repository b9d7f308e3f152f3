import { Injectable } from '@nestjs/common';
import type { WithHeaders } from '../platform/http/cookies';
import type { CookieWriter } from '../platform/http/http-exchange';
import type { PageSession } from '../platform/http/html';
import { LoginCsrf } from './login-csrf';
import { SessionService } from '../sessions/session.service';

/**
 * The login session as the pages' header shows it: who is signed in, with the CSRF token that
 * Sign out posts to /logout; null when nobody is (the header then offers Sign in).
 */
@Injectable()
export class PageSessions {
  constructor(
    private readonly sessions: SessionService,
    private readonly csrf: LoginCsrf,
  ) {}

  async of(
    req: WithHeaders,
    res: Pick<CookieWriter, 'cookie'>,
    returnTo: string,
  ): Promise<PageSession | null> {
    const session = await this.sessions.current(req);
    if (!session) return null;
    return { subject: session.sub, csrfToken: this.csrf.token(req, res), returnTo };
  }
}
