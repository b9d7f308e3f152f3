import { Injectable, Logger } from '@nestjs/common';
import { upstreamMethodKey } from '../../accounts/account';
import {
  AccountDisabled,
  MethodAlreadyLinked,
  SignInMethodRemoved,
  TooManySignInMethods,
} from '../../accounts/accounts.errors';
import { AccountService } from '../../accounts/account.service';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import {
  InsufficientUserAuthentication,
  ProtocolError,
  TooManyRequests,
} from '../../platform/errors/protocol-error';
import { clientAddress } from '../../platform/http/client-address';
import { ACCOUNT_PAGE, DEFAULT_RETURN_TO, safeReturnTo } from '../../sessions/return-to';
import { SessionService } from '../../sessions/session.service';
import type { UpstreamIdentity } from '../../upstream/upstream-relying-party';
import { UpstreamSignIn } from '../../upstream/upstream-sign-in.service';
import { UpstreamRefusal, type UpstreamRefusalReason } from '../../upstream/upstream.errors';
import { AccountPageService } from '../account/account-page.service';
import type { LoginExchange } from '../login-csrf';

/** The query parameter that tells the login page and the account page why a sign-in ended. */
export const UPSTREAM_ERROR_PARAM = 'upstream_error';

/**
 * "Sign in with <provider>" on the login page, and "Link <provider>" on the account page: where
 * the browser goes at each step. The provider's answer signs in the account its method key
 * `upstream:<id>:<sub>` names, creating one (under ACCOUNT_CREATIONS_PER_IP_PER_HOUR) when no
 * account holds it, and never one found by its email: a provider account joins an existing
 * account only through a link, which needs that account's own recent sign-in. Every refusal ends
 * on the page with its text, and the login page's return_to survives the round trip.
 */
@Injectable()
export class UpstreamSessionLogin {
  private readonly logger = new Logger(UpstreamSessionLogin.name);

  constructor(
    private readonly signIn: UpstreamSignIn,
    private readonly csrf: CsrfProtection,
    private readonly sessions: SessionService,
    private readonly accounts: AccountService,
    private readonly accountPage: AccountPageService,
    private readonly passkeys: PasskeyConfig,
  ) {}

  /** GET /login/upstream/{id}: the provider's authorization URL, or the login page's refusal. */
  async start(providerId: string, returnTo: string | undefined, http: LoginExchange) {
    const safe = safeReturnTo(returnTo);
    // Started now if the browser has none yet (a link from elsewhere straight to the provider).
    const presession = this.csrf.startBrowserSession(http.req, http.res);
    const maxAge = maxAgeFor(safe, this.passkeys.recentLoginSeconds);
    try {
      return await this.signIn.start({
        providerId,
        presession,
        returnTo: safe,
        ...(maxAge === undefined ? {} : { maxAge }),
      });
    } catch (error) {
      return this.refused(error, safe);
    }
  }

  /**
   * POST /account/upstream/{id}: "Link <provider>" for the signed-in account, after its recent
   * sign-in (the page's CSRF token; ACCOUNT_RECENT_LOGIN_SECONDS, ACCOUNT_CHANGES_REQUIRE_PHR).
   * A failed CSRF check is thrown (the envelope answers it); a stale sign-in ends on the page.
   */
  async startLink(providerId: string, csrfToken: string | undefined, http: LoginExchange) {
    this.csrf.assertValid(http.req, csrfToken);
    try {
      const session = await this.accountPage.recentLoginSession(http.req);
      const presession = this.csrf.startBrowserSession(http.req, http.res);
      return await this.signIn.start({
        providerId,
        presession,
        returnTo: ACCOUNT_PAGE,
        account: session.sub,
        // The provider account to link is the one the person signs in to now, not whichever
        // the browser's provider session happens to hold.
        maxAge: 0,
      });
    } catch (error) {
      if (error instanceof InsufficientUserAuthentication) {
        return this.refused(new UpstreamRefusal('link_needs_recent_sign_in', ACCOUNT_PAGE, true));
      }
      return this.refused(error, ACCOUNT_PAGE);
    }
  }

  /** GET /login/upstream/{id}/callback: signed in (or linked), or the page with the refusal. */
  async finish(providerId: string, query: string, http: LoginExchange): Promise<string> {
    try {
      const session = await this.sessions.current(http.req);
      const signedIn = await this.signIn.complete({
        providerId,
        presession: this.csrf.browserSession(http.req),
        session: session?.sub ?? null,
        query,
      });
      if (signedIn.account !== undefined) {
        await this.link(signedIn.account, signedIn.identity, http);
        return ACCOUNT_PAGE;
      }
      await this.startSession(signedIn.identity, http, signedIn.returnTo);
      return signedIn.returnTo;
    } catch (error) {
      return this.refused(error);
    }
  }

  /**
   * The account its method key names, or a new one whose subject is that key (its record written
   * now, the creation counted); then the login session, `amr` `fed`.
   */
  private async startSession(
    identity: UpstreamIdentity,
    http: LoginExchange,
    returnTo: string,
  ): Promise<void> {
    const methodKey = upstreamMethodKey(identity.providerId, identity.subject);
    try {
      const existing = await this.accounts.findMethod(methodKey);
      const sub =
        existing?.sub ??
        (
          await this.accounts.linkUpstream(
            methodKey,
            methodKey,
            { callerAddress: clientAddress(http.req) },
            identity.email === undefined ? {} : { email: identity.email },
          )
        ).sub;
      // The session's auth_time is the provider's, where it says: a provider's session may be
      // days old, and a sign-in it answers without asking anything is no recent login here.
      await this.sessions.start(http, {
        sub,
        authMethod: 'upstream',
        methodKey,
        ...(identity.authTime === undefined
          ? {}
          : { authenticatedAt: new Date(identity.authTime * 1000) }),
      });
      this.logger.log(`Upstream login session started for ${sub}`);
    } catch (error) {
      throw asRefusal(error, returnTo, false);
    }
  }

  /**
   * A link, once the provider proved the account: the browser's session must still be the
   * account's recent one (it was when the link started; the state is bound to that account).
   */
  private async link(sub: string, identity: UpstreamIdentity, http: LoginExchange): Promise<void> {
    const methodKey = upstreamMethodKey(identity.providerId, identity.subject);
    const session = await this.accountPage.recentLoginSession(http.req).catch((error: unknown) => {
      if (error instanceof ProtocolError) return null;
      throw error;
    });
    if (session?.sub !== sub) {
      throw new UpstreamRefusal('link_needs_recent_sign_in', ACCOUNT_PAGE, true);
    }
    try {
      await this.accounts.linkUpstream(
        sub,
        methodKey,
        { callerAddress: clientAddress(http.req) },
        identity.email === undefined ? {} : { email: identity.email },
      );
    } catch (error) {
      throw asRefusal(error, ACCOUNT_PAGE, true);
    }
  }

  /** Where a refusal ends: the account page for a link, else the login page, with its reason. */
  private refused(error: unknown, returnTo?: string): string {
    const refusal = asRefusal(error, returnTo ?? DEFAULT_RETURN_TO, false);
    const reason = `${UPSTREAM_ERROR_PARAM}=${refusal.reason}`;
    if (refusal.linking) return `${ACCOUNT_PAGE}?${reason}`;
    const back = refusal.returnTo ?? returnTo;
    return back === undefined || back === DEFAULT_RETURN_TO
      ? `/login?${reason}`
      : `/login?return_to=${encodeURIComponent(back)}&${reason}`;
  }
}

/** The account's rules as the page tells them; anything else (the database down) is thrown. */
function asRefusal(error: unknown, returnTo: string, linking: boolean): UpstreamRefusal {
  if (error instanceof UpstreamRefusal) {
    return error.returnTo === undefined && !error.linking
      ? error.returningTo(returnTo, linking)
      : error;
  }
  const reason = reasonOf(error);
  if (reason === undefined) throw error;
  return new UpstreamRefusal(reason, returnTo, linking);
}

function reasonOf(error: unknown): UpstreamRefusalReason | undefined {
  if (error instanceof AccountDisabled) return 'account_disabled';
  if (error instanceof SignInMethodRemoved) return 'method_removed';
  if (error instanceof MethodAlreadyLinked) return 'already_linked';
  if (error instanceof TooManySignInMethods) return 'too_many_methods';
  if (error instanceof TooManyRequests) return 'too_many_accounts';
  return undefined;
}

/**
 * How recent a sign-in at the provider the page the login returns to needs (OpenID Connect Core
 * §3.1.2.1 `max_age`, passed on): an authorization request's `max_age`, 0 for its `prompt=login`;
 * the account page's recent-login window, since its changes need one. Else none: the provider's
 * session answers as it will. (A request pushed by PAR keeps its parameters to itself.)
 */
export function maxAgeFor(returnTo: string, recentLoginSeconds: number): number | undefined {
  const url = new URL(returnTo, 'http://localhost');
  if (url.pathname === ACCOUNT_PAGE || url.pathname.startsWith(`${ACCOUNT_PAGE}/`)) {
    return recentLoginSeconds;
  }
  if (url.pathname !== '/authorize') return undefined;
  if ((url.searchParams.get('prompt') ?? '').split(' ').includes('login')) return 0;
  const maxAge = url.searchParams.get('max_age');
  return maxAge !== null && /^\d{1,9}$/.test(maxAge) ? Number(maxAge) : undefined;
}
