import { pageLocaleOf } from '../../platform/i18n/page-locale';
import { Injectable } from '@nestjs/common';
import { MailConfig } from '../../config/sections/mail.config';
import { EmailSignIn } from '../../email/email-sign-in.service';
import { clientAddress } from '../../platform/http/client-address';
import { safeReturnTo } from '../../sessions/return-to';
import { LoginCsrf, type LoginExchange } from '../login-csrf';
import { PageSignIn } from '../page-sign-in';
import type { PageSignInResponseDto } from '../page-sign-in-response.dto';
import type {
  EmailLinkConfirmDto,
  EmailLoginStartDto,
  EmailLoginVerifyDto,
} from './email-login.dto';

/** What the code page needs after a code was asked for. */
export interface CodeRequested {
  readonly returnTo: string;
  readonly csrfToken: string;
  readonly mailbox: boolean;
}

/**
 * The login page's email sign-in (POST /login/email/start, /verify, /link): the page's CSRF token
 * is checked before anything is counted or spent, the code is bound to this browser's pre-login
 * session, and a redeemed code or link ends in a login session as a wallet or passkey does.
 */
@Injectable()
export class EmailSessionLogin {
  constructor(
    private readonly signIn: EmailSignIn,
    private readonly csrf: LoginCsrf,
    private readonly pageSignIn: PageSignIn,
    private readonly mail: MailConfig,
  ) {}

  get enabled(): boolean {
    return this.signIn.enabled;
  }

  /** Sends a code to the address for this browser; the same whatever the address. */
  async start(body: EmailLoginStartDto, http: LoginExchange): Promise<CodeRequested> {
    const returnTo = safeReturnTo(body.return_to);
    this.signIn.assertEnabled();
    this.csrf.assertValid(http.req, body.csrf_token, 'Email');
    const locale = pageLocaleOf(http.req, body.ui_locales);
    await this.signIn.start(body.email, this.presession(http), returnTo, locale);
    return {
      returnTo,
      csrfToken: this.csrf.token(http.req, http.res),
      mailbox: this.mail.transport === 'embedded',
    };
  }

  /** The code page again (a refused code), with the page's token. */
  codePage(http: LoginExchange, returnTo: string | undefined): CodeRequested {
    return {
      returnTo: safeReturnTo(returnTo),
      csrfToken: this.csrf.token(http.req, http.res),
      mailbox: this.mail.transport === 'embedded',
    };
  }

  verify(body: EmailLoginVerifyDto, http: LoginExchange): Promise<PageSignInResponseDto> {
    this.signIn.assertEnabled();
    return this.pageSignIn.complete(http, body, 'Email', async () => {
      const proof = await this.signIn.verifyCode(
        this.presession(http),
        body.code,
        clientAddress(http.req),
      );
      return proof.identity;
    });
  }

  /** The link's page: the token to post back, and this browser's CSRF token. */
  linkPage(http: LoginExchange): string {
    this.signIn.assertEnabled();
    return this.csrf.token(http.req, http.res);
  }

  /** The link confirmed from this browser: where the login goes is the code request's return_to. */
  confirmLink(body: EmailLinkConfirmDto, http: LoginExchange): Promise<PageSignInResponseDto> {
    this.signIn.assertEnabled();
    return this.pageSignIn.completeTo(http, body.csrf_token, 'Email link', () =>
      this.signIn.verifyLink(this.presession(http), body.token, clientAddress(http.req)),
    );
  }

  /** After the CSRF check, the browser's pre-login session is there: its token is bound to it. */
  private presession(http: LoginExchange): string {
    const presession = this.csrf.browserSession(http.req);
    if (presession === undefined) throw new Error('No pre-login session after the CSRF check');
    return presession;
  }
}
