import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import { AccessDenied, InvalidRequest, ProtocolError } from '../../platform/errors/protocol-error';
import { ConsoleAdminAccess, isAdminConsole } from '../admin-console/console-admin-access';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { ParConfig } from '../../config/sections/par.config';
import { TokenConfig } from '../../config/sections/tokens.config';
import { ServerConfig } from '../../config/sections/server.config';
import { DomainEvents } from '../../platform/events/domain-events';
import { localeNamedIn } from '../../platform/i18n/page-locale';
import { isRegisteredRedirectUri } from '../../clients/check-redirect-uri';
import { ClientRegistry } from '../../clients/client-registry.service';
import { LoginSession } from '../../sessions/session';
import { clientLabel, sendsErrorsBack, type OAuthClient } from '../../clients/oauth-client';
import { requiresPushedRequests } from '../../protocol-rules/client-profile';
import { ConsentService } from '../consent/consent.service';
import { InvalidRequestUri } from '../par/par.errors';
import type { ChallengeKind } from '../../challenges/challenge';
import {
  PushedAuthorizationRequests,
  isPushedRequestUri,
} from '../par/pushed-authorization.service';
import { NO_CODE_CHALLENGE, PKCE_BINDING_FIELD, codeChallengeBinding } from '../pkce/check-pkce';
import { AuthorizationCodeService, DPOP_JKT_BINDING_FIELD } from './authorization-code.service';
import {
  AuthorizationRequestCheck,
  consentScopeOf,
  detailsConsentValue,
} from '../request-rules/authorization-request.check';
import {
  AuthorizationDetailsCheck,
  type RenderedAuthorizationDetail,
} from '../authorization-details/authorization-details.check';
import {
  AuthorizationRequestReader,
  type ReadAuthorizationRequest,
} from './authorization-request.reader';
import {
  HeldAuthorizationRequests,
  StaleAuthorizationRequest,
  heldRequestPath,
} from './held-authorization-request';
import type { AuthorizationRequestDto } from '../request-rules/authorization-request.dto';
import { AuthorizationRequested, UnprotectedCodeIssued } from './authorization.events';
import {
  ConsentRequired,
  LoginRequired,
  UnmetAuthenticationRequirements,
} from '../request-rules/authorization-request.errors';
import {
  checkAuthentication,
  offersAcr,
  type AuthenticationRequirements,
  type AuthenticationVerdict,
} from '../request-rules/check-authentication';
import { SignInMarkers, type RequestingBrowser, withMarker } from './sign-in-marker';
import { SIGN_IN_MARKER_PARAM } from '../request-rules/authorization-parameters';
import { Clock } from '../../platform/clock/clock';

/**
 * How an authorization request arrived: by GET, or as a form POST (OpenID Connect Core
 * §3.1.2.1), and its URL as the browser sent it (path and query; for a POST, the GET of the same
 * parameters), to which a sign-in marker binds.
 */
export interface RequestArrival {
  readonly method: 'GET' | 'POST';
  readonly url: string;
}

/** What /authorize answers: a page (no trustworthy redirect URI), or a redirect. */
export type AuthorizationOutcome =
  /**
   * An error shown as a page: before the client and redirect URI are known to be genuine (no
   * way back), or for a self-registered client (`back`: the error response, offered as a link).
   */
  | { kind: 'error_page'; error: ProtocolError; back?: string }
  /** To /login, or (a POST without the session cookie) to the way back, read as a GET. */
  | { kind: 'login'; location: string }
  /** A client that is not first-party, without a remembered consent covering the scope. */
  | {
      kind: 'consent';
      client: OAuthClient;
      scope: string;
      /** The values of `scope` the user allowed this client before: shown, not asked again. */
      alreadyAllowed: string[];
      session: LoginSession;
      returnTo: string;
      /**
       * RFC 8707: the resources the tokens will be for that are not Proofgate's own API (none:
       * only the API), which the user must see.
       */
      resources: string[];
      /** RFC 9396: the authorization details asked for, each rendered for the user. */
      authorizationDetails: RenderedAuthorizationDetail[];
      /** OpenID Connect Core §3.1.2.1: the request's languages, for the consent screen. */
      uiLocales?: string;
    }
  | { kind: 'redirect'; location: string; error?: string };

/**
 * RFC 6749 §4.1.1 with OAuth 2.1's rules. Until client and redirect URI are known to be genuine,
 * errors are shown as a page (§4.1.2.1: never redirect to an unverified URI); after that they
 * go back to the client with `state` and `iss` (RFC 9207), automatically for a client the
 * operator registered or vouched for (its initial access token), and as a link on the error page
 * for one that registered itself openly (RFC 9700 §4.11.2: anyone can register a phishing site as a
 * redirect URI, then send a request that fails on purpose, or with prompt=none, to be sent there
 * from the issuer's own origin).
 */
@Injectable()
export class AuthorizationEndpoint {
  constructor(
    private readonly clients: ClientRegistry,
    private readonly codes: AuthorizationCodeService,
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly par: ParConfig,
    private readonly events: DomainEvents,
    private readonly consents: ConsentService,
    private readonly requests: AuthorizationRequestCheck,
    private readonly pushed: PushedAuthorizationRequests,
    private readonly held: HeldAuthorizationRequests,
    private readonly reader: AuthorizationRequestReader,
    private readonly markers: SignInMarkers,
    private readonly clock: Clock,
    private readonly authorizationDetails: AuthorizationDetailsCheck,
    private readonly consoleAccess: ConsoleAdminAccess,
  ) {}

  async handle(
    request: AuthorizationRequestDto,
    session: LoginSession | null,
    arrival: RequestArrival,
    browser: RequestingBrowser,
  ): Promise<AuthorizationOutcome> {
    return tracedStep(
      'oauth.authorize',
      { [STEP_ATTRIBUTES.model]: 'pkce', [STEP_ATTRIBUTES.clientId]: request.client_id },
      async (span) => {
        const outcome = await this.decide(request, session, arrival, browser);
        span.set(STEP_ATTRIBUTES.outcome, outcomeLabels(outcome).outcome);
        return this.reported(request, outcome);
      },
    );
  }

  private reported(
    request: AuthorizationRequestDto,
    outcome: AuthorizationOutcome,
  ): AuthorizationOutcome {
    const { outcome: label, error } = outcomeLabels(outcome);
    const method = request.code_challenge_method;
    this.events.emit(
      new AuthorizationRequested(
        label,
        error,
        method === undefined ? 'none' : method === 'S256' || method === 'plain' ? method : 'other',
      ),
    );
    return outcome;
  }

  private async decide(
    query: AuthorizationRequestDto,
    session: LoginSession | null,
    arrival: RequestArrival,
    browser: RequestingBrowser,
  ): Promise<AuthorizationOutcome> {
    const clientId = query.client_id;
    if (!clientId) return page(new InvalidRequest('client_id is required'));
    const client = await this.clients.find(clientId);
    if (!client) return page(new InvalidRequest('Unknown client_id'));
    // The request: the query, or (their other parameters ignored) a request object's claims
    // (RFC 9101 §6.3), a pushed request (RFC 9126 §4), or the request held on the way back.
    let read: ReadAuthorizationRequest;
    try {
      read = await this.reader.read(client, query);
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.status >= 500) throw error;
      return this.unread(client, query, error);
    }
    if (
      (read.source === 'query' || read.source === 'request_object') &&
      (this.par.required || requiresPushedRequests(client))
    ) {
      // RFC 9126 §5, §6: only pushed requests, from this client or from every client (and from
      // a client of the fapi2 profile: FAPI 2.0 §5.3.2.2-3).
      return page(
        new InvalidRequest('Authorization requests must be pushed to /par first (RFC 9126)'),
      );
    }
    const request = read.parameters;
    const redirectUri = request.redirect_uri;
    if (!redirectUri) return page(new InvalidRequest('redirect_uri is required'));
    const unregistered = this.requests.unregisteredRedirectUri(client, redirectUri);
    if (unregistered) return page(unregistered);
    const wayBack = this.wayBack(client.clientId, read, arrival);

    const state = request.state;
    try {
      const checked = await this.requests.check(client, request);
      const { scope, resources, authentication: required } = checked;

      if (session === null && arrival.method === 'POST') {
        // A form post from the client's site carries no SameSite=Lax cookie (RFC 6265bis
        // §5.6.7.2): whether the user is signed in is read on the way back, a top-level GET,
        // which carries the session (and decides prompt=none) as any authorization request does.
        return { kind: 'login', location: await wayBack() };
      }
      // The marker is the front channel's own, with or without a pushed or held request.
      const signedInSince =
        session === null
          ? undefined
          : await this.signedInSince(query[SIGN_IN_MARKER_PARAM], client, required, session, {
              browser,
              originalUrl: arrival.url,
            });
      const verdict = checkAuthentication(session, required, this.clock.now(), signedInSince);
      // OpenID Connect Core §3.1.2.6: with prompt=none, no page: the client hears why, before
      // anything about PKCE (a signed-out user is `login_required`, whatever the client is).
      if ((!session || !verdict.ok) && required.promptNone) {
        throw promptNoneRefusal(verdict.ok ? 'no_session' : verdict.reason);
      }
      // Before the login page: nobody signs in for a request that cannot get a code.
      const pkce = codeChallengeBinding(checked.pkce);
      if (!session || !verdict.ok) {
        return this.toLogin(
          client.clientId,
          await wayBack(),
          browser,
          required,
          request.ui_locales,
        );
      }
      // Issue #77: the console's code only for an operator's recent passkey sign-in. Never a
      // consent screen (the console is first-party): access_denied back to the console.
      if (isAdminConsole(client)) {
        await this.consoleAccess.check(session, (description) => new AccessDenied(description));
      }
      const otherResources = resources.filter((resource) => resource !== this.tokens.audience);
      // What the user is asked: the scope, and `profile` for the claims parameter's profile claims.
      const consentScope = consentScopeOf(scope, checked.claims, checked.authorizationDetails);
      let consent = client.firstParty
        ? undefined
        : await this.consents.review(session.sub, client.clientId, consentScope, otherResources);
      // RFC 9396: an Allow of authorization details answers one request. It is spent here,
      // atomically, before the code: of two requests racing on one Allow, one gets a code and the
      // other asks the user again.
      if (
        consent !== undefined &&
        consent.asked.length === 0 &&
        checked.authorizationDetails !== undefined
      ) {
        const details = detailsConsentValue(checked.authorizationDetails);
        if (!(await this.consents.spend(session.sub, client.clientId, details))) {
          consent = {
            allowed: consent.allowed.filter((value) => value !== details),
            asked: [details],
          };
        }
      }
      if (consent !== undefined && consent.asked.length > 0) {
        if (required.promptNone) {
          throw new ConsentRequired(
            'The user has not allowed this client the requested scope, and prompt=none forbids asking',
          );
        }
        const back = await wayBack();
        return {
          kind: 'consent',
          client,
          scope: consentScope,
          uiLocales: request.ui_locales,
          alreadyAllowed: consent.allowed,
          session,
          // The marker this request redeemed is spent: the way back from the consent screen
          // carries a new one, of the same moment, for the same browser and request.
          returnTo:
            signedInSince === undefined || browser.presession === undefined
              ? back
              : withMarker(
                  back,
                  await this.markers.mint(
                    { clientId: client.clientId, presession: browser.presession, url: back },
                    signedInSince,
                  ),
                ),
          resources: otherResources,
          authorizationDetails: this.authorizationDetails.render(
            checked.authorizationDetails ?? [],
          ),
        };
      }

      // A pushed or held request yields one code: spent (atomically) before the code is issued
      // (a pushed one the user was sent away for is held by now: it comes back as `held`).
      if (read.source === 'pushed') await this.pushed.redeem(client.clientId, read.requestUri);
      if (read.source === 'held') await this.held.redeem(client.clientId, read.key);
      const code = await this.codes.issue(
        client,
        {
          client_id: client.clientId,
          redirect_uri: redirectUri,
          ...pkce,
          ...(checked.dpopJkt === undefined ? {} : { [DPOP_JKT_BINDING_FIELD]: checked.dpopJkt }),
        },
        {
          sub: session.sub,
          scope,
          authMethod: session.authMethod,
          ...(session.methodKey === undefined ? {} : { methodKey: session.methodKey }),
          ...(session.amr ? { amr: [...session.amr] } : {}),
          authTime: Math.floor(session.authTime.getTime() / 1000),
          ...(session.acr === undefined ? {} : { acr: session.acr }),
          sid: session.sid,
          ...(checked.nonce === undefined ? {} : { nonce: checked.nonce }),
          resource: resources[0],
          ...(resources.length > 1 ? { resources } : {}),
          ...(checked.claims === undefined ? {} : { claims: checked.claims }),
          ...(checked.authorizationDetails === undefined
            ? {}
            : { authorizationDetails: checked.authorizationDetails }),
        },
      );
      if (pkce[PKCE_BINDING_FIELD] === NO_CODE_CHALLENGE && checked.nonce === undefined) {
        this.events.emit(new UnprotectedCodeIssued(clientLabel(client)));
      }
      return this.redirect(redirectUri, { code, state });
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.status >= 500) throw error;
      if (error.reason) {
        this.events.emit(
          new ChallengeRejected(challengeKindOf(error), error.reason, clientLabel(client)),
        );
      }
      return this.errorResponse(client, redirectUri, error, state);
    }
  }

  /**
   * The request could not be read: a page, since its redirect URI is unknown or untrusted (in a
   * request object that failed its checks, or behind a pushed reference that is not live). Save
   * for a `request_uri` of the client's own that is not registered or could not be fetched
   * (`invalid_request_uri`, OpenID Connect Core §3.1.2.6): an error response the client expects at
   * the redirect URI of its query, when that one is registered (sent as every error is:
   * `errorResponse`).
   */
  private unread(
    client: OAuthClient,
    query: AuthorizationRequestDto,
    error: ProtocolError,
  ): AuthorizationOutcome {
    const pushed = query.request_uri !== undefined && isPushedRequestUri(query.request_uri);
    if (error.reason && error instanceof InvalidRequestUri && pushed) {
      this.events.emit(new ChallengeRejected('par_request_uri', error.reason));
    } else if (error.reason && error instanceof StaleAuthorizationRequest) {
      this.events.emit(
        new ChallengeRejected('authorization_request', error.reason, clientLabel(client)),
      );
    }
    const redirectUri = query.redirect_uri;
    if (
      error instanceof InvalidRequestUri &&
      !pushed &&
      redirectUri !== undefined &&
      isRegisteredRedirectUri(client, redirectUri)
    ) {
      return this.errorResponse(client, redirectUri, error, query.state);
    }
    return page(error);
  }

  /** The error sent back to the client: automatically, or as a link (`sendsErrorsBack`). */
  private errorResponse(
    client: OAuthClient,
    redirectUri: string,
    error: ProtocolError,
    state: string | undefined,
  ): AuthorizationOutcome {
    const back = this.redirect(redirectUri, {
      error: error.error,
      error_description: error.description,
      state,
    });
    if (!sendsErrorsBack(client)) return { kind: 'error_page', error, back: back.location };
    return { ...back, error: error.error };
  }

  /**
   * The way back to this request from the login and consent pages: the URL it came by, as a GET,
   * or, for a request sent by POST, in a request object or pushed, the request held for it
   * (HeldAuthorizationRequests), kept once and only when the user is sent away. A pushed request
   * is moved into the hold: its `request_uri` is redeemed first (one atomic consume, so it
   * starts one request only, within its `expires_in`), and the held request then lives as long
   * as the user may take to sign in and consent (RFC 9126 §2.2: `expires_in` bounds the start).
   */
  private wayBack(
    clientId: string,
    read: ReadAuthorizationRequest,
    arrival: RequestArrival,
  ): () => Promise<string> {
    const hold =
      read.source === 'pushed' ||
      read.source === 'request_object' ||
      (read.source === 'query' && arrival.method === 'POST');
    if (!hold) return () => Promise.resolve(arrival.url);
    let path: Promise<string> | undefined;
    const held = async (): Promise<string> => {
      if (read.source === 'pushed') await this.pushed.redeem(clientId, read.requestUri);
      return heldRequestPath(clientId, await this.held.hold(clientId, read.parameters));
    };
    return () => (path ??= held());
  }

  /**
   * When this browser was sent to sign in for this very request: the marker on the way back,
   * redeemed here, once (SignInMarkers). Looked up only for a request that carries a marker and
   * asks for a fresh sign-in (`prompt=login`, `max_age`) or for an `acr` the session was offered
   * and did not achieve (`acr_values`): any other request costs no lookup.
   */
  private async signedInSince(
    key: string | undefined,
    client: OAuthClient,
    required: AuthenticationRequirements,
    session: LoginSession,
    from: { browser: RequestingBrowser; originalUrl: string },
  ): Promise<Date | undefined> {
    if (key === undefined || required.promptNone) return undefined;
    if (!required.promptLogin && required.maxAge === undefined && !offersAcr(required, session)) {
      return undefined;
    }
    const { browser, originalUrl } = from;
    const redemption =
      browser.presession === undefined
        ? ({ ok: false, reason: 'no_browser_session' } as const)
        : await this.markers.redeem(key, {
            clientId: client.clientId,
            presession: browser.presession,
            url: originalUrl,
          });
    if (redemption.ok) return redemption.since;
    this.events.emit(
      new ChallengeRejected('sign_in_marker', redemption.reason, clientLabel(client)),
    );
    return undefined;
  }

  /**
   * Sends the user to sign in and back to this very request. The way back carries a marker bound
   * to this browser and request (SignInMarkers), so a sign-in made from here counts as the fresh
   * one `prompt=login` and `max_age` ask for, and as the answer to the `acr` offered. With an
   * `acr` to achieve (`acr_values` on the login page), the page offers only what achieves it; with
   * one offered (`acr_preferred`), it offers that first and the other ways too; in the request's
   * `ui_locales`.
   */
  private async toLogin(
    clientId: string,
    wayBack: string,
    browser: RequestingBrowser,
    required: AuthenticationRequirements,
    uiLocales: string | undefined,
  ): Promise<AuthorizationOutcome> {
    let returnTo = wayBack;
    // Only a request that asks for a fresh sign-in, or offers an acr, needs the marker; others
    // come back unchanged.
    if (
      required.promptLogin ||
      required.maxAge !== undefined ||
      required.preferredAcr !== undefined
    ) {
      const presession = browser.startPresession();
      const key = await this.markers.mint({ clientId, presession, url: wayBack });
      returnTo = withMarker(wayBack, key);
    }
    const acr = required.acr === undefined ? '' : `&acr_values=${encodeURIComponent(required.acr)}`;
    const preferred =
      required.preferredAcr === undefined
        ? ''
        : `&acr_preferred=${encodeURIComponent(required.preferredAcr)}`;
    // OpenID Connect Core §3.1.2.1: the page in the request's languages, wherever it came from
    // (its query, a request object, a pushed request). The one of them the pages have goes on,
    // not the list: /login caps its length, /authorize reads any (it never refuses ui_locales).
    const asked = localeNamedIn(uiLocales);
    const locales = asked === undefined ? '' : `&ui_locales=${asked}`;
    return {
      kind: 'login',
      location: `/login?return_to=${encodeURIComponent(returnTo)}${acr}${preferred}${locales}`,
    };
  }

  private redirect(redirectUri: string, params: Record<string, string | undefined>) {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...params, iss: this.server.issuer })) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return { kind: 'redirect' as const, location: url.toString() };
  }
}

/** OpenID Connect Core §3.1.2.6 and Unmet Authentication Requirements 1.0, per verdict. */
function promptNoneRefusal(
  reason: Exclude<AuthenticationVerdict, { ok: true }>['reason'],
): ProtocolError {
  switch (reason) {
    case 'no_session':
      return new LoginRequired('The user is not signed in, and prompt=none forbids asking');
    case 'prompt_login':
    case 'max_age':
      return new LoginRequired(
        'The request asks for a new sign-in (prompt=login or max_age), and prompt=none forbids asking',
      );
    case 'cross_device':
      return new LoginRequired(
        'The request asks for the account scope, which a sign-in proven on another device never gets, and prompt=none forbids asking for another',
      );
    case 'sub':
      return new LoginRequired(
        'The signed-in user is not the one the claims request names, and prompt=none forbids asking',
      );
    // `preferred_acr` is not reached: prompt=none never offers an acr (it is voluntary).
    case 'acr':
    case 'preferred_acr':
      return new UnmetAuthenticationRequirements(
        'The session does not meet the acr the request requires (phr: a passkey sign-in; phrh: a hardware-bound passkey’s), and prompt=none forbids asking for one',
      );
  }
}

/** The challenge a refusal inside the request's handling is about, for its figures. */
function challengeKindOf(error: ProtocolError): ChallengeKind {
  if (error instanceof InvalidRequestUri) return 'par_request_uri';
  if (error instanceof StaleAuthorizationRequest) return 'authorization_request';
  return 'authorization_code';
}

function page(error: ProtocolError): AuthorizationOutcome {
  return { kind: 'error_page', error };
}

function outcomeLabels(outcome: AuthorizationOutcome): {
  outcome: AuthorizationRequested['outcome'];
  error: string;
} {
  switch (outcome.kind) {
    case 'error_page':
      return { outcome: 'error_page', error: outcome.error.error };
    case 'login':
      return { outcome: 'login_required', error: '' };
    case 'consent':
      return { outcome: 'consent_required', error: '' };
    case 'redirect':
      return outcome.error
        ? { outcome: 'error_redirect', error: outcome.error }
        : { outcome: 'code_issued', error: '' };
  }
}
