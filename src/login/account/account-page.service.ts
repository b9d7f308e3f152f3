import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AccountService } from '../../accounts/account.service';
import { PasskeyConfig } from '../../config/app-config';
import { Clock } from '../../platform/clock/clock';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import {
  InsufficientUserAuthentication,
  InvalidRequest,
} from '../../platform/errors/protocol-error';
import type { PasskeyCreationOptionsDto } from '../../passkeys/passkey-options.dto';
import type { RegistrationResponseDto } from '../../passkeys/passkey-request.dto';
import {
  PasskeyRegistrationService,
  type RegisteredPasskey,
} from '../../passkeys/registration/passkey-registration.service';
import { RelyingParty } from '../../passkeys/relying-party';
import type { LoginSession } from '../session';
import { SessionService } from '../session.service';
import type { AccountPageView } from './account.page';

type Exchange = { req: Request; res: Response };

/**
 * The account page's use cases, for a signed-in browser (the session cookie; the JSON API at
 * /account/methods and /passkeys is the bearer-token form of the same). Changes need the page's
 * CSRF token and a login at most ACCOUNT_RECENT_LOGIN_SECONDS old.
 */
@Injectable()
export class AccountPageService {
  constructor(
    private readonly sessions: SessionService,
    private readonly accounts: AccountService,
    private readonly registration: PasskeyRegistrationService,
    private readonly relyingParty: RelyingParty,
    private readonly csrf: CsrfProtection,
    private readonly clock: Clock,
    private readonly passkeys: PasskeyConfig,
  ) {}

  /** The page's view, or null without a session (the caller sends the browser to sign in). */
  async view(http: Exchange, error?: string): Promise<AccountPageView | null> {
    const session = await this.sessions.current(http.req);
    if (!session) return null;
    return {
      account: await this.accounts.account(session.sub),
      csrfToken: this.csrf.issue(http.req, http.res),
      passkeys: this.relyingParty.enabled,
      recentLogin: this.isRecent(session),
      ...(error ? { error } : {}),
    };
  }

  async passkeyOptions(req: Request, csrfToken?: string): Promise<PasskeyCreationOptionsDto> {
    const session = await this.recentSession(req, csrfToken);
    return this.registration.options(session);
  }

  async addPasskey(
    req: Request,
    csrfToken: string | undefined,
    response: RegistrationResponseDto,
  ): Promise<RegisteredPasskey> {
    const session = await this.recentSession(req, csrfToken);
    return this.registration.verify(session, response);
  }

  async removeMethod(req: Request, csrfToken: string | undefined, method: string): Promise<void> {
    const session = await this.recentSession(req, csrfToken);
    if (method.startsWith('password:')) {
      throw new InvalidRequest('A password is not removed here; an operator disables it');
    }
    await this.accounts.unlink(session.sub, method);
  }

  private async recentSession(req: Request, csrfToken: string | undefined): Promise<LoginSession> {
    this.csrf.assertValid(req, csrfToken);
    const session = await this.sessions.currentOrRefuse(req);
    if (!session) throw new InvalidRequest('Sign in first');
    if (!this.isRecent(session)) {
      const maxAge = this.passkeys.recentLoginSeconds;
      throw new InsufficientUserAuthentication(
        `Changing the account needs a login at most ${maxAge} seconds old; sign in again`,
        maxAge,
      );
    }
    return session;
  }

  private isRecent(session: LoginSession): boolean {
    const age = this.clock.now().getTime() - session.authTime.getTime();
    return age <= this.passkeys.recentLoginSeconds * 1000;
  }
}
