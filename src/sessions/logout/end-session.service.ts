import { Injectable, Logger } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import type { WithHeaders } from '../../platform/http/cookies';
import type { CookieWriter } from '../../platform/http/http-exchange';
import { IdTokenHintVerifier, type IdTokenHint } from '../../tokens/id-token-hint.verifier';
import { safeReturnTo } from '../return-to';
import type { LoginSession } from '../session';
import { SessionService } from '../session.service';
import type { EndSessionConfirmDto } from './end-session-confirm.dto';
import type { EndSessionRequestDto } from './end-session-request.dto';
import { PageLocale, pageLocaleOf } from '../../platform/i18n/page-locale';
import {
  renderConfirmLogoutPage,
  renderSignedOutPage,
  renderStillSignedInPage,
} from './end-session.page';
import type { LogoutFormDto } from './logout-form.dto';
import { SessionLogout, type EndedSession } from './session-logout.service';

export const AFTER_LOGOUT = '/login';

type Exchange = {
  req: WithHeaders;
  res: CookieWriter;
};

/** What /end_session answers: a redirect (303 after a form), or a page. */
export type EndSessionOutcome =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'page'; readonly html: string };

/** Where the browser may go back to: the client and the checked post-logout URI, if any. */
interface Return {
  readonly client?: OAuthClient;
  readonly uri?: string;
  readonly state?: string;
  /**
   * A valid id_token_hint issued to that client came with the request: the OP may follow the
   * post-logout URI by itself (§3). Without one, it is offered as a link.
   */
  readonly hinted: boolean;
}

export const UNREGISTERED_POST_LOGOUT_URI =
  'post_logout_redirect_uri is not one of the post_logout_redirect_uris registered for this client';

/**
 * Signing out. The pages' Sign out (POST /logout) ends the browser's session at once.
 *
 * OpenID Connect RP-Initiated Logout 1.0 (GET and POST /end_session): a hint that names this
 * browser's session ends it at once; anything else (no hint, another account's or session's)
 * asks the user first (§2: "the OP SHOULD ask the End-User whether to log out"). The browser goes
 * back only to a post_logout_redirect_uri the client registered, compared as an exact string
 * (§3); an unregistered one is refused with an error, never followed (an open redirector). It is
 * followed automatically only with a valid id_token_hint issued to that client (§3: without one
 * "the OP MUST NOT perform post-logout redirection unless [it] has other means of confirming the
 * legitimacy"; anyone can register a client whose URI is a phishing site, RFC 9700 §4.11.2):
 * otherwise the signed-out page offers it as a link.
 */
@Injectable()
export class EndSessionService {
  private readonly logger = new Logger(EndSessionService.name);

  constructor(
    private readonly hints: IdTokenHintVerifier,
    private readonly clients: ClientRegistry,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
    private readonly sessionLogout: SessionLogout,
  ) {}

  /** POST /logout; where the browser goes next: a return_to the return_to rules keep, else /login. */
  async logout(form: LogoutFormDto, http: Exchange): Promise<string> {
    // A cross-site form must not be able to sign the user out (and so out of a pending flow).
    this.csrf.assertValid(http.req, form.csrf_token);
    const ended = await this.endSessions(http, 'logged_out');
    for (const session of ended) this.logger.log(`Session ended for ${session.sub}`);
    const { return_to: returnTo } = form;
    return returnTo !== undefined && safeReturnTo(returnTo) === returnTo ? returnTo : AFTER_LOGOUT;
  }

  async request(params: EndSessionRequestDto, http: Exchange): Promise<EndSessionOutcome> {
    const hint =
      params.id_token_hint === undefined
        ? undefined
        : await this.hints.verify(params.id_token_hint);
    if (hint && params.client_id !== undefined && !hint.audiences.includes(params.client_id)) {
      throw new InvalidRequest('client_id is not the audience of id_token_hint').because(
        'client_mismatch',
      );
    }
    const clientId =
      params.client_id ?? (hint?.audiences.length === 1 ? hint.audiences[0] : undefined);
    const back = await this.checkedReturn(
      clientId,
      params.post_logout_redirect_uri,
      params.state,
      hint,
    );
    const session = await this.sessions.current(http.req);
    const locale = pageLocaleOf(http.req, params.ui_locales);
    if (!session) {
      // Nothing to end here (signed out already, or elsewhere): the request is still answered.
      return this.finish(back, locale);
    }
    // Without asking: the client's own user's sessions only (SessionLogout.end).
    if (hint && namesSession(hint, session)) return this.signOut(http, back, locale, true);
    return {
      kind: 'page',
      html: renderConfirmLogoutPage({
        csrfToken: this.csrf.issue(http.req, http.res),
        subject: session.sub,
        locale,
        ...(back.client ? { clientName: back.client.name, clientId: back.client.clientId } : {}),
        otherSession: hint !== undefined,
        ...(back.uri === undefined ? {} : { postLogoutRedirectUri: back.uri }),
        ...(back.state === undefined ? {} : { state: back.state }),
        // Carried on and verified again: the confirmation's redirect needs it as this one does.
        ...(back.hinted && params.id_token_hint !== undefined
          ? { idTokenHint: params.id_token_hint }
          : {}),
      }),
    };
  }

  /** The confirmation page's answer: CSRF-checked, its redirect checked again. */
  async confirm(form: EndSessionConfirmDto, http: Exchange): Promise<EndSessionOutcome> {
    this.csrf.assertValid(http.req, form.csrf_token);
    const hint =
      form.id_token_hint === undefined ? undefined : await this.hints.verify(form.id_token_hint);
    const back = await this.checkedReturn(
      form.client_id,
      form.post_logout_redirect_uri,
      form.state,
      hint,
    );
    const locale = pageLocaleOf(http.req, form.ui_locales);
    if (form.decision === 'stay') {
      return { kind: 'page', html: renderStillSignedInPage(locale) };
    }
    return this.signOut(http, back, locale);
  }

  private async signOut(
    http: Exchange,
    back: Return,
    locale: PageLocale,
    sameAccountOnly = false,
  ): Promise<EndSessionOutcome> {
    await this.endSessions(http, 'rp_initiated_logout', sameAccountOnly);
    return this.finish(back, locale);
  }

  /**
   * Ends every session the request's cookies name (Back-Channel Logout 1.0: the clients that got
   * tokens in them hear of it), then clears the cookies.
   */
  private async endSessions(
    http: Exchange,
    reason: string,
    sameAccountOnly = false,
  ): Promise<EndedSession[]> {
    const ended = await this.sessionLogout.end(this.sessions.idHashesToEnd(http.req), reason, {
      sameAccountOnly,
    });
    this.sessions.clearCookies(http.req, http.res);
    return ended;
  }

  private finish(back: Return, locale: PageLocale): EndSessionOutcome {
    if (back.uri === undefined) return { kind: 'page', html: renderSignedOutPage(locale) };
    const location = new URL(back.uri);
    // §3: state is passed back as a query parameter, added to the registered URI's own query.
    if (back.state !== undefined) location.searchParams.append('state', back.state);
    if (back.hinted) return { kind: 'redirect', location: location.href };
    return {
      kind: 'page',
      html: renderSignedOutPage(locale, {
        href: location.href,
        ...(back.client ? { clientName: back.client.name } : {}),
      }),
    };
  }

  private async checkedReturn(
    clientId: string | undefined,
    uri: string | undefined,
    state: string | undefined,
    hint: IdTokenHint | undefined,
  ): Promise<Return> {
    const client = clientId === undefined ? undefined : await this.clients.find(clientId);
    if (clientId !== undefined && !client) {
      throw new InvalidRequest('client_id names no client').because('unknown_client');
    }
    const hinted = !!client && hint !== undefined && hint.audiences.includes(client.clientId);
    if (uri === undefined) return { ...(client ? { client } : {}), hinted };
    if (!client) {
      throw new InvalidRequest(
        'post_logout_redirect_uri needs client_id or id_token_hint to say whose URI it is',
      ).because('post_logout_redirect_uri_without_client');
    }
    if (!(client.postLogoutRedirectUris ?? []).includes(uri)) {
      throw new InvalidRequest(UNREGISTERED_POST_LOGOUT_URI).because(
        'post_logout_redirect_uri_unregistered',
      );
    }
    return { client, uri, ...(state === undefined ? {} : { state }), hinted };
  }
}

/** Whether the hint is of this very session: its sid when it has one, else its subject. */
function namesSession(hint: IdTokenHint, session: LoginSession): boolean {
  if (hint.sub !== session.sub) return false;
  return hint.sid === undefined || hint.sid === session.sid;
}
