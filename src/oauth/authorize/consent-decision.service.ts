import { Injectable, Logger } from '@nestjs/common';
import type { HttpRequest as Request } from '../../platform/http/http-exchange';
import { OAuthConfig } from '../../config/sections/oauth.config';
import { TokenConfig } from '../../config/sections/tokens.config';
import { ServerConfig } from '../../config/sections/server.config';
import { isRegisteredRedirectUri } from '../../clients/check-redirect-uri';
import { ClientRegistry } from '../../clients/client-registry.service';
import { sendsErrorsBack } from '../../clients/oauth-client';
import { safeReturnTo } from '../../sessions/return-to';
import { SessionService } from '../../sessions/session.service';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { InvalidRequest, InvalidScope, InvalidTarget } from '../../platform/errors/protocol-error';
import type { TextParameterName } from '../request-rules/authorization-parameters';
import { AuthorizationRequestReader } from './authorization-request.reader';
import { checkAuthorizedResources, resourcePolicy } from '../resource/check-resource';
import { ResourceClientIdCheck } from '../resource/check-resource-client-id';
import {
  claimsAskedBy,
  consentScopeOf,
  requestedScope,
} from '../request-rules/authorization-request.check';
import type { ConsentFormDto } from './consent-form.dto';
import { ConsentService } from '../consent/consent.service';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { InvalidAuthorizationDetails } from '../authorization-details/authorization-details.errors';

/**
 * Where the browser goes after the consent screen: a redirect, or (Deny, for a client that
 * registered itself) a page with the way back to the client as a link.
 */
export type ConsentOutcome =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'denied_page'; readonly clientName: string; readonly back: string };

/**
 * The consent screen's answer (POST /consent). The pending request comes back from the page
 * and is trusted for nothing: its client and redirect URI are checked again as /authorize checks
 * them, before anything is remembered or any redirect to the client is made.
 */
@Injectable()
export class ConsentDecisionService {
  private readonly logger = new Logger(ConsentDecisionService.name);

  constructor(
    private readonly consents: ConsentService,
    private readonly clients: ClientRegistry,
    private readonly sessions: SessionService,
    private readonly csrf: CsrfProtection,
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly oauth: OAuthConfig,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly reader: AuthorizationRequestReader,
    private readonly authorizationDetails: AuthorizationDetailsCheck,
    private readonly resourceScopes: ResourceScopes,
  ) {}

  /** Where the browser goes next. */
  async decide(form: ConsentFormDto, req: Pick<Request, 'headers'>): Promise<ConsentOutcome> {
    // A cross-site form must not be able to click Allow for the user.
    this.csrf.assertValid(req, form.csrf_token);
    const returnTo = form.return_to;
    if (returnTo === undefined || safeReturnTo(returnTo) !== returnTo) {
      throw new InvalidRequest('return_to must be the pending authorization request');
    }
    const query = new URLSearchParams(returnTo.slice(returnTo.indexOf('?') + 1));
    const front: Record<string, string> & { resource?: string[] } = {};
    for (const name of new Set(query.keys())) {
      const values = query.getAll(name);
      // RFC 8707 §2: `resource` is the one parameter that may be repeated.
      if (name === 'resource') {
        const resources = values.filter(Boolean);
        if (resources.length > 0) front.resource = resources;
        continue;
      }
      if (values.length > 1) throw new InvalidRequest(`${name} is repeated`);
      front[name] = values[0];
    }
    const clientId = front.client_id;
    const client = clientId === undefined ? null : await this.clients.find(clientId);
    // The request as /authorize read it: the query, a request object's claims, a pushed or a
    // held request (AuthorizationRequestReader), checked again here, trusted for nothing.
    const request =
      client === null ? undefined : (await this.reader.read(client, front)).parameters;
    const param = (name: TextParameterName): string | undefined => request?.[name];
    const redirectUri = param('redirect_uri');
    if (!client || redirectUri === undefined || !isRegisteredRedirectUri(client, redirectUri)) {
      throw new InvalidRequest(
        'The authorization request has no registered client and redirect URI',
      );
    }

    // Deny needs no session: the login page offers it too ("Cancel and go back"), to a user who
    // cannot or will not sign in (a step-up to a passkey they do not have); the request's own
    // registered redirect URI is all it goes to, as /authorize's errors do: automatically for a
    // client the operator registered or vouched for, as a link for one that registered itself
    // (`sendsErrorsBack`; RFC 9700 §4.11.2: a user who declines a phishing client is not sent on
    // to its site).
    if (form.decision === 'deny') {
      const session = await this.sessions.current(req);
      this.logger.log(
        `${session?.sub ?? 'a browser not signed in'} denied client ${client.clientId}`,
      );
      // RFC 6749 §4.1.2.1: access_denied, with the request's state; RFC 9207: with iss.
      const url = new URL(redirectUri);
      const state = param('state');
      url.searchParams.set('error', 'access_denied');
      url.searchParams.set('error_description', 'The user denied the request');
      if (state !== undefined) url.searchParams.set('state', state);
      url.searchParams.set('iss', this.server.issuer);
      return sendsErrorsBack(client)
        ? { kind: 'redirect', location: url.toString() }
        : { kind: 'denied_page', clientName: client.name, back: url.toString() };
    }

    const session = await this.sessions.currentOrRefuse(req);
    if (!session) {
      return { kind: 'redirect', location: `/login?return_to=${encodeURIComponent(returnTo)}` };
    }
    try {
      // The values /authorize put before the user (offline_access dropped as it does, each claim
      // the claims parameter asks for outside its scope added as it does).
      const defaultResource = this.tokens.audience;
      const checked = checkAuthorizedResources(
        client,
        request?.resource,
        resourcePolicy(this.oauth, defaultResource),
      );
      const scope = consentScopeOf(
        requestedScope(client, param('scope'), {
          lookup: this.resourceScopes,
          resources: checked,
        }),
        claimsAskedBy(param('claims')),
        this.authorizationDetails.check(client, param('authorization_details')),
      );
      await this.resourceClientIds.refuseClientIds(client, checked);
      const otherResources = checked.filter((resource) => resource !== defaultResource);
      await this.consents.allow(session.sub, client.clientId, scope, otherResources);
      const at = otherResources.length === 0 ? '' : ` at ${otherResources.join(' ')}`;
      this.logger.log(`${session.sub} allowed client ${client.clientId}: ${scope}${at}`);
    } catch (error) {
      // An unsupported scope, resource or authorization detail is remembered for nothing;
      // /authorize answers it with invalid_scope, invalid_target or invalid_authorization_details.
      if (
        !(error instanceof InvalidScope) &&
        !(error instanceof InvalidTarget) &&
        !(error instanceof InvalidAuthorizationDetails)
      ) {
        throw error;
      }
    }
    return { kind: 'redirect', location: returnTo };
  }
}
