import { Injectable, Logger } from '@nestjs/common';
import { redact } from '../platform/crypto/hashing';
import { passwordMethodKey } from '../accounts/account';
import { AccountDisabled, SignInMethodRemoved } from '../accounts/accounts.errors';
import { InvalidRequest, ProtocolError, TooManyRequests } from '../platform/errors/protocol-error';
import {
  PageLocale,
  type MessageId,
  type PageText,
  waitValues,
} from '../platform/i18n/page-locale';
import { clientAddress } from '../platform/http/client-address';
import { UserService } from '../accounts/users/user.service';
import { CSRF_FAILURE_MESSAGES, LoginCsrf, type LoginExchange } from './login-csrf';
import type { LoginFormDto } from './login-form.dto';
import type { LoginPageView } from './login.page';
import { safeReturnTo } from '../sessions/return-to';
import { SessionService } from '../sessions/session.service';
import { LoginThrottle } from './throttle/login-throttle';

export const INVALID_CREDENTIALS = 'login.error.invalid_credentials' satisfies MessageId;

/** The message of a throttled attempt, on the page and in the JSON envelope alike. */
export function tooManyFailures(retryAfterSeconds: number): PageText {
  return { id: 'login.error.too_many', values: waitValues(retryAfterSeconds) };
}

/** A wrong password, or a username nobody has: one answer for both. */
export class InvalidCredentials extends ProtocolError {
  readonly error = 'invalid_credentials';
  readonly status = 401;
}

export type LoginOutcome =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'form'; readonly view: LoginPageView }
  /**
   * A refusal, stated by the one error envelope (400 for a missing field or a failed CSRF check,
   * 401 for wrong credentials, 403 for a disabled account, 429 with Retry-After): the form with
   * its message, or the envelope for a client that asks for JSON.
   */
  | { readonly kind: 'refused'; readonly error: ProtocolError; readonly view: LoginPageView };

/** The password login use case behind `GET/POST /login`. */
@Injectable()
export class PasswordLoginService {
  private readonly logger = new Logger(PasswordLoginService.name);

  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly csrf: LoginCsrf,
    private readonly throttle: LoginThrottle,
  ) {}

  showForm(returnTo: string | undefined, http: LoginExchange): LoginOutcome {
    const view = { returnTo: safeReturnTo(returnTo) };
    return { kind: 'form', view: { ...view, csrfToken: this.csrf.token(http.req, http.res) } };
  }

  async submit(form: LoginFormDto, http: LoginExchange): Promise<LoginOutcome> {
    const returnTo = safeReturnTo(form.return_to);
    const { username, password } = form;

    const csrf = this.csrf.check(http.req, form.csrf_token);
    if (csrf !== 'ok') {
      this.logger.warn(`Password login refused: CSRF check failed (${csrf})`);
      return this.refused((text) => new InvalidRequest(text), http, {
        returnTo,
        username,
        error: { id: CSRF_FAILURE_MESSAGES[csrf] },
      });
    }

    if (!username || !password) {
      const missing = !username && !password ? 'both' : !username ? 'username' : 'password';
      const error = { id: 'login.error.missing', values: { missing } } as const;
      return this.refused((text) => new InvalidRequest(text), http, { returnTo, username, error });
    }

    const attempt = await this.throttle.attempt(username, clientAddress(http.req), () =>
      this.users.authenticate(username, password),
    );
    if (attempt.kind === 'throttled') {
      // The typed username may be a mistyped password: log only its hash.
      this.logger.warn(
        `Password login refused for username ${redact(username)}: too many failures (${attempt.limit})`,
      );
      const error = tooManyFailures(attempt.retryAfterSeconds);
      return this.refused((text) => new TooManyRequests(text, attempt.retryAfterSeconds), http, {
        returnTo,
        username,
        error,
      });
    }
    if (attempt.kind === 'failed') {
      this.logger.warn(`Password login failed for username ${redact(username)}`);
      return this.refused((text) => new InvalidCredentials(text), http, {
        returnTo,
        username,
        error: { id: INVALID_CREDENTIALS },
      });
    }

    const user = attempt.value;
    try {
      await this.sessions.start(http, {
        sub: user.sub,
        authMethod: 'password',
        methodKey: passwordMethodKey(username),
      });
    } catch (error) {
      // Said only after the password proved right, as every other method says it.
      if (!(error instanceof AccountDisabled || error instanceof SignInMethodRemoved)) throw error;
      this.logger.warn(`Password login refused for ${user.sub}: ${error.reason ?? error.error}`);
      const text = error instanceof AccountDisabled ? 'account_disabled' : 'method_removed';
      const view = { returnTo, username, error: { id: `login.error.${text}` } as const };
      return {
        kind: 'refused',
        error,
        view: { ...view, csrfToken: this.csrf.token(http.req, http.res) },
      };
    }
    this.logger.log(`Password login succeeded for ${user.sub}`);
    return { kind: 'redirect', location: returnTo };
  }

  /** The form again with the refusal's message; the envelope says it in English. */
  private refused(
    refusal: (description: string) => ProtocolError,
    http: LoginExchange,
    view: Omit<LoginPageView, 'csrfToken'> & { readonly error: PageText },
  ): LoginOutcome {
    return {
      kind: 'refused',
      error: refusal(PageLocale.of('en').text(view.error)),
      view: { ...view, csrfToken: this.csrf.token(http.req, http.res) },
    };
  }
}
