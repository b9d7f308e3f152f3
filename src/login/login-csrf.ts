import { Injectable, Logger } from '@nestjs/common';
import type { WithHeaders } from '../platform/http/cookies';
import type { CookieWriter } from '../platform/http/http-exchange';
import { CsrfProtection, type CsrfVerdict } from '../platform/csrf/csrf-protection';
import { InvalidRequest } from '../platform/errors/protocol-error';

export type CsrfCheck = CsrfVerdict;

/** A login request and its response: what a login from the login page reads and sets. */
export type LoginExchange = {
  req: WithHeaders & { readonly ip?: string };
  res: CookieWriter;
};

/** What the user is told when a login (password form or wallet button) fails the CSRF check. */
export const CSRF_FAILURES: Readonly<Record<Exclude<CsrfCheck, 'ok'>, string>> = {
  missing_cookie:
    'Your browser did not send the login form’s security cookie. Make sure cookies are enabled, then sign in again.',
  missing_token: 'The login form’s security token is missing. Sign in again from this page.',
  mismatch: 'The login form’s security token does not match. Sign in again from this page.',
  invalid:
    'The login form’s security token is not valid for this browser. Sign in again from this page.',
};

/**
 * Login CSRF protection for the login page, password form and wallet sign-in alike: the page's
 * token must be one this server signed for this browser's pre-login session (see
 * CsrfProtection). A cross-site page can make a browser submit the form but can neither read the
 * token nor get the Strict cookies sent with it, and a pair it planted is not signed.
 */
@Injectable()
export class LoginCsrf {
  private readonly logger = new Logger(LoginCsrf.name);

  constructor(private readonly csrf: CsrfProtection) {}

  /** The browser's token for the login page; issues one (and its cookies) when needed. */
  token(req: WithHeaders, res: Pick<CookieWriter, 'cookie'>): string {
    return this.csrf.issue(req, res);
  }

  /**
   * The browser's pre-login session id, which its tokens are bound to: after assertValid, always
   * there. What a proof meant for this browser alone (an email code) is bound to; never logged.
   */
  browserSession(req: WithHeaders): string | undefined {
    return this.csrf.browserSession(req);
  }

  check(req: WithHeaders, submitted: string | undefined): CsrfCheck {
    return this.csrf.verify(req, submitted);
  }

  /**
   * A JSON login from the page (a wallet's, a passkey's) answers a failed check with
   * invalid_request, before its proof is looked at: a forged request must not cost the user a
   * nonce or a challenge.
   */
  assertValid(req: WithHeaders, submitted: string | undefined, login: string): void {
    const verdict = this.check(req, submitted);
    if (verdict === 'ok') return;
    this.logger.warn(`${login} login refused: CSRF check failed (${verdict})`);
    throw new InvalidRequest(CSRF_FAILURES[verdict]);
  }
}
