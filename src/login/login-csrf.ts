import { Injectable, Logger } from '@nestjs/common';
import type { WithHeaders } from '../platform/http/cookies';
import type { CookieWriter } from '../platform/http/http-exchange';
import {
  CsrfProtection,
  type CsrfVerdict,
  csrfRefusalReason,
} from '../platform/csrf/csrf-protection';
import { InvalidRequest } from '../platform/errors/protocol-error';
import type { MessageId } from '../platform/i18n/page-locale';
import { en } from '../platform/i18n/messages/en';

export type CsrfCheck = CsrfVerdict;

/** A login request and its response: what a login from the login page reads and sets. */
export type LoginExchange = {
  req: WithHeaders & { readonly ip?: string };
  res: CookieWriter;
};

/** What the user is told when a login (password form or wallet button) fails the CSRF check. */
export const CSRF_FAILURE_MESSAGES: Readonly<Record<Exclude<CsrfCheck, 'ok'>, MessageId>> = {
  missing_cookie: 'login.error.csrf.missing_cookie',
  missing_token: 'login.error.csrf.missing_token',
  mismatch: 'login.error.csrf.mismatch',
  invalid: 'login.error.csrf.invalid',
};

/** The same in English: the `error_description` of a script's JSON refusal. */
export const CSRF_FAILURES = Object.fromEntries(
  Object.entries(CSRF_FAILURE_MESSAGES).map(([check, id]) => [check, en[id]]),
) as Readonly<Record<Exclude<CsrfCheck, 'ok'>, string>>;

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
    throw new InvalidRequest(CSRF_FAILURES[verdict]).because(csrfRefusalReason(verdict));
  }
}
