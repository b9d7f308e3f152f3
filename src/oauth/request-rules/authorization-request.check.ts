import { Injectable } from '@nestjs/common';
import { OAuthConfig } from '../../config/sections/oauth.config';
import { TokenConfig } from '../../config/sections/tokens.config';
import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  UnsupportedResponseType,
} from '../../platform/errors/protocol-error';
import type { OAuthClient } from '../../clients/oauth-client';
import { isRegisteredRedirectUri } from '../../clients/check-redirect-uri';
import { demoClientFix } from '../../clients/demo-client-fixes';
import { checkPkce, type PkceVerdict } from '../pkce/check-pkce';
import { checkAuthorizedResources, resourcePolicy } from '../resource/check-resource';
import { ResourceClientIdCheck } from '../resource/check-resource-client-id';
import {
  ACCOUNT_SCOPE,
  OFFLINE_ACCESS_SCOPE,
  SUPPORTED_SCOPES,
  checkConsoleScope,
  checkScope,
  hasScope,
  refuseOutsideClientScope,
  type ResourceScopeContext,
  withoutScope,
} from '../../tokens/scopes';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { ConsoleAdminAccess, isAdminConsole } from '../admin-console/console-admin-access';
import { adminApiAudience } from '../../protocol-rules/admin-scopes';
import { ServerConfig } from '../../config/sections/server.config';
import { grantTypesOf } from './check-grant-type';
import { checkAcrMinimum } from './check-acr-minimum';
import { DEVICE_CODE_GRANT_TYPE } from '../../protocol-rules/grant-types';
import { StepUpConfig } from '../../config/sections/step-up.config';
import { ConfigError } from '../../config/env-parsers';
import {
  SUPPORTED_ACR_VALUES,
  acrMinimumOf,
  acrRequestOf,
  meetsAcr,
  strongerAcr,
} from '../../protocol-rules/acr';
import {
  isUserClaim,
  parseClaimsRequest,
  scopeOfClaim,
  type ClaimsRequest,
  type RequestedClaims,
  type UserClaim,
} from '../../protocol-rules/claims-request';
import { checkMaxAge, checkPrompt, type AuthenticationRequirements } from './check-authentication';
import { UnmetAuthenticationRequirements } from './authorization-request.errors';
import { MAX_NONCE_LENGTH, type AuthorizationParameters } from './authorization-parameters';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import { authorizationDetailsHash } from '../authorization-details/canonical-hash';
import { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';

/** An authorization request's parameters once checked, for a client and redirect URI known. */
export interface CheckedAuthorizationRequest {
  /**
   * The request's PKCE, decided (check-pkce.ts) but not yet thrown: /authorize answers a
   * signed-out `prompt=none` with `login_required` first (OpenID Connect Core §3.1.2.6).
   */
  pkce: PkceVerdict;
  scope: string;
  nonce?: string;
  /**
   * RFC 8707 §2: the resources the tokens will be for (default ACCESS_TOKEN_AUDIENCE alone), each
   * once, in the order named; never empty. A token request picks one; naming none, the first.
   */
  resources: string[];
  /** RFC 9449 §10: the DPoP key the code may be redeemed with. */
  dpopJkt?: string;
  /** What the login behind the code must be: `prompt`, `max_age`, the `acr` demanded. */
  authentication: AuthenticationRequirements;
  /**
   * OpenID Connect Core §5.5: the claims about the user the `claims` parameter asks for, in the
   * ID token and at the UserInfo endpoint; absent when it asks for none.
   */
  claims?: RequestedClaims;
  /** RFC 9396: the authorization details asked for, checked; absent when the request has none. */
  authorizationDetails?: AuthorizationDetail[];
}

/**
 * RFC 6749 §4.1.1 with OAuth 2.1's rules, past the client and its redirect URI: what /authorize
 * checks before it issues a code, and POST /par before it stores a request (RFC 9126 §2.1: "the
 * same as the authorization endpoint").
 */
@Injectable()
export class AuthorizationRequestCheck {
  constructor(
    private readonly tokens: TokenConfig,
    private readonly oauth: OAuthConfig,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly stepUp: StepUpConfig,
    private readonly authorizationDetails: AuthorizationDetailsCheck,
    private readonly consoleAccess: ConsoleAdminAccess,
    private readonly server: ServerConfig,
    private readonly resourceScopes: ResourceScopes,
  ) {
    // ACR_REQUIRED_BY_SCOPE is checked for syntax by config/; which scopes exist is known here:
    // the server's own, and those the APIs declared (RESOURCE_SERVERS).
    const unknown = Object.keys(stepUp.acrRequiredByScope).filter(
      (scope) =>
        !(SUPPORTED_SCOPES as readonly string[]).includes(scope) &&
        resourceScopes.serverOf(scope) === undefined,
    );
    if (unknown.length > 0) {
      throw new ConfigError(
        `ACR_REQUIRED_BY_SCOPE names scopes this server does not grant: ${unknown.join(', ')} (supported: ${SUPPORTED_SCOPES.join(', ')})`,
      );
    }
  }

  /**
   * RFC 9700 §4.1.3, RFC 8252 §7.3 (isRegisteredRedirectUri): the refusal of a redirect URI the
   * client did not register, or undefined when it did. Never redirected to (RFC 6749 §4.1.2.1):
   * /authorize shows it on its own page, /par answers it.
   */
  unregisteredRedirectUri(client: OAuthClient, redirectUri: string): InvalidRequest | undefined {
    if (isRegisteredRedirectUri(client, redirectUri)) return undefined;
    return new InvalidRequest(
      `redirect_uri is not registered for this client${demoClientFix(this.oauth, client, 'redirect_uri')}`,
    );
  }

  async check(
    client: OAuthClient,
    request: AuthorizationParameters,
  ): Promise<CheckedAuthorizationRequest> {
    if (request.response_type !== 'code') {
      throw request.response_type
        ? new UnsupportedResponseType('Only response_type=code is supported')
        : new InvalidRequest('response_type is required');
    }
    // Answered in the query, as the client asked or by default: a client that asks for another
    // mode (form_post, fragment, JARM's jwt) would get a response of a shape it does not read.
    if (request.response_mode !== undefined && request.response_mode !== 'query') {
      throw new InvalidRequest(
        `Unsupported response_mode: ${request.response_mode.slice(0, 32)} (this server answers in the query only: response_modes_supported)`,
      );
    }
    // RFC 9700 §4.7.1: a client using PKCE may rely on it against CSRF, so `state` is demanded
    // (OAUTH_REQUIRE_STATE) only of a request without PKCE. FAPI 2.0 (authorization endpoint
    // flows, note 4) likewise uses `state` for no CSRF protection.
    const withPkce = request.code_challenge !== undefined;
    if (this.oauth.requireState && !request.state && !withPkce) {
      throw new InvalidRequest('state is required');
    }
    const { scope, resources } = await this.checkScopeAndResources(client, request);
    const pkce = checkPkce(client, request, scope);
    const nonce = checkNonce(request.nonce);
    const dpopJkt = checkDpopJkt(request.dpop_jkt);
    const prompt = checkPrompt(request.prompt);
    const maxAge = checkMaxAge(request.max_age);
    const claims = checkClaims(request.claims);
    const userClaims = requestedClaims(claims);
    const authorizationDetails = this.authorizationDetails.check(
      client,
      request.authorization_details,
    );
    return {
      pkce,
      scope,
      resources,
      authentication: {
        promptNone: prompt.none,
        promptLogin: prompt.login,
        ...(maxAge === undefined ? {} : { maxAge }),
        ...this.requiredAcr(request.acr_values, claims, scope, resources),
        // Issue #77: the console's admin scopes need a recent passkey sign-in, whatever it asks.
        ...(isAdminConsole(client) ? this.consoleAccess.requirements(maxAge) : {}),
        ...(claims?.sub === undefined ? {} : { sub: claims.sub }),
        ...(hasScope(scope, ACCOUNT_SCOPE) ? { sameDevice: true } : {}),
      },
      ...(nonce === undefined ? {} : { nonce }),
      ...(dpopJkt === undefined ? {} : { dpopJkt }),
      ...(userClaims === undefined ? {} : { claims: userClaims }),
      ...(authorizationDetails === undefined ? {} : { authorizationDetails }),
    };
  }

  /**
   * checkScopeAndResources for a request that names one resource at most (its DTO refuses
   * more): the device authorization endpoint (RFC 8628 §3.1) and CIBA's (Core 1.0 §7.1), where
   * a person confirms a request for a single server, away from the client.
   */
  async checkScopeAndResource(
    client: OAuthClient,
    request: { scope?: string; resource?: string },
  ): Promise<{ scope: string; resource: string }> {
    const { scope, resources } = await this.checkScopeAndResources(client, {
      scope: request.scope,
      ...(request.resource === undefined ? {} : { resource: [request.resource] }),
    });
    return { scope, resource: resources[0] };
  }

  /**
   * The `scope` and RFC 8707 `resource` values of a request for this client's tokens, as
   * /authorize checks them; the device and backchannel authorization endpoints check theirs
   * (one resource at most) the same way (checkScopeAndResource).
   */
  async checkScopeAndResources(
    client: OAuthClient,
    request: { scope?: string; resource?: readonly string[] },
  ): Promise<{ scope: string; resources: string[] }> {
    if (isAdminConsole(client)) return this.consoleScopeAndResources(request);
    const resources = checkAuthorizedResources(
      client,
      request.resource,
      resourcePolicy(this.oauth, this.tokens.audience),
    );
    // An API's own scopes (RESOURCE_SERVERS) with its resource among the request's.
    const scope = requestedScope(client, request.scope, {
      lookup: this.resourceScopes,
      resources,
    });
    // The account scope can add a way into the account (a passkey, a wallet): the operator's own
    // applications only.
    if (hasScope(scope, ACCOUNT_SCOPE) && !client.firstParty) {
      throw new InvalidScope(
        `The ${ACCOUNT_SCOPE} scope is granted to first-party clients only`,
      ).because('account_scope_not_first_party');
    }
    await this.resourceClientIds.refuseClientIds(client, resources);
    return { scope, resources };
  }

  /**
   * The admin console's request (issue #77): admin scopes alone, for the admin API alone (RFC
   * 8707: named or not), so its token is good for nothing else.
   */
  private consoleScopeAndResources(request: { scope?: string; resource?: readonly string[] }): {
    scope: string;
    resources: string[];
  } {
    const scope = checkConsoleScope(request.scope);
    const admin = adminApiAudience(this.server.issuer);
    if (request.resource !== undefined && request.resource.some((value) => value !== admin)) {
      throw new InvalidTarget(`The admin console's tokens are for the admin API alone: ${admin}`);
    }
    return { scope, resources: [admin] };
  }

  /**
   * The `acr` the login must achieve, and the one it is offered (RFC 9470 §4, OpenID Connect Core
   * §3.1.2.1 and §5.5.1.1). Enforced: the strongest of an essential `acr` claim request and of
   * what ACR_REQUIRED_BY_SCOPE and ACR_REQUIRED_BY_RESOURCE demand of the scope and of every
   * resource (a client cannot get a token the resource would refuse by not asking; the grant's
   * tokens may be for any of its resources, each with the login's `acr`). Voluntary:
   * `acr_values` (or an `acr` claim request that is not essential), when stronger than what is
   * enforced: the login page offers what meets it, and a user who signs in otherwise still gets
   * a code whose ID token says the `acr` achieved. An essential request for values none of which
   * we issue cannot be met by any sign-in: refused at once (Core §5.5.1.1, a failed
   * authentication).
   */
  requiredAcr(
    acrValues: string | undefined,
    claims: ClaimsRequest | undefined,
    scope: string,
    resources: readonly string[],
  ): Pick<AuthenticationRequirements, 'acr' | 'preferredAcr'> {
    const requested = acrRequestOf(acrValues, claims?.acr);
    if (requested === 'unsatisfiable') {
      throw new UnmetAuthenticationRequirements(
        `The essential acr claim names no value this server issues (${SUPPORTED_ACR_LIST})`,
      );
    }
    const acr = resources.reduce(
      (strongest, aud) => strongerAcr(strongest, acrMinimumOf({ aud, scope }, this.stepUp)),
      requested.essential,
    );
    const preferredAcr =
      requested.voluntary === undefined || meetsAcr(acr, requested.voluntary)
        ? undefined
        : requested.voluntary;
    return {
      ...(acr === undefined ? {} : { acr }),
      ...(preferredAcr === undefined ? {} : { preferredAcr }),
    };
  }

  /**
   * RFC 8628 §5.4: confirming a user code can be phished (the attacker starts the flow and sends
   * the victim the code), so a device grant never carries `phr` and never the `account` scope,
   * whatever the confirming session achieved. What would need either is refused at
   * /device_authorization, for every client: the `account` scope, a scope of
   * ACR_REQUIRED_BY_SCOPE (`invalid_scope`), a resource of ACR_REQUIRED_BY_RESOURCE
   * (`invalid_target`). A token the resource would refuse is not worth a user's confirmation.
   */
  refuseForDeviceGrant(scope: string, resource: string): void {
    if (hasScope(scope, ACCOUNT_SCOPE)) {
      throw new InvalidScope(
        `The ${ACCOUNT_SCOPE} scope is never granted through the device flow: a user code can be phished (RFC 8628 §5.4)`,
      ).because('account_scope_device');
    }
    checkAcrMinimum({ aud: resource, scope, grantType: DEVICE_CODE_GRANT_TYPE }, this.stepUp);
  }
}

const SUPPORTED_ACR_LIST = SUPPORTED_ACR_VALUES.join(', ');

/** OpenID Connect Core §5.5: the `claims` parameter, parsed; malformed: `invalid_request`. */
function checkClaims(claims: string | undefined): ClaimsRequest | undefined {
  if (claims === undefined) return undefined;
  const parsed = parseClaimsRequest(claims);
  if (!parsed.ok) throw new InvalidRequest(parsed.problem);
  return parsed.request;
}

/**
 * The claims about the user a `claims` parameter asks for (consent-decision.service reads it from
 * the request it allows); undefined when it asks for none or is malformed (which /authorize
 * refuses).
 */
export function claimsAskedBy(claims: string | undefined): RequestedClaims | undefined {
  if (claims === undefined) return undefined;
  const parsed = parseClaimsRequest(claims);
  return parsed.ok ? requestedClaims(parsed.request) : undefined;
}

/**
 * The values a user consents to for a request: its `scope`, and one value per claim its `claims`
 * parameter asks for that no scope of the request releases. OpenID Connect Core §5.5 lets a
 * client ask for claims its scopes do not cover; the user still has the say, asked for each of
 * those claims by name (never for the whole scope that would release it, which would allow more
 * than was asked), and the consent remembered covers them from then on (`consentCovers`).
 */
export function consentScopeOf(
  scope: string,
  claims: RequestedClaims | undefined,
  details?: readonly AuthorizationDetail[],
): string {
  const asked = [...new Set([...(claims?.id_token ?? []), ...(claims?.userinfo ?? [])])]
    .filter((claim) => !hasScope(scope, scopeOfClaim(claim)))
    .map(claimConsentValue);
  const values = [scope, ...asked];
  if (details !== undefined) values.push(detailsConsentValue(details));
  return values.join(' ');
}

/** The consent value of a claim asked for by name (Core §5.5), outside the scope releasing it. */
export const CLAIM_CONSENT_PREFIX = 'claim:';

export function claimConsentValue(claim: UserClaim): string {
  return `${CLAIM_CONSENT_PREFIX}${claim}`;
}

/** The claim a consent value names, when it is a claim's (`claim:email`). */
export function claimOfConsentValue(value: string): UserClaim | undefined {
  if (!value.startsWith(CLAIM_CONSENT_PREFIX)) return undefined;
  const claim = value.slice(CLAIM_CONSENT_PREFIX.length);
  return isUserClaim(claim) ? claim : undefined;
}

/**
 * Whether the values a user allowed a client cover `value`: the value itself, or, for a claim
 * asked for by name, the scope that releases it (allowing `email` allowed the address already).
 */
export function consentCovers(allowed: readonly string[], value: string): boolean {
  if (allowed.includes(value)) return true;
  const claim = claimOfConsentValue(value);
  return claim !== undefined && allowed.includes(scopeOfClaim(claim));
}

/**
 * RFC 9396 §7: the user consents to the exact authorization details, not to a scope. The Allow
 * is kept as one value, their hash, for the one request it answers: /authorize spends it when it
 * issues the code, so the same details asked again (a second payment of the same amount) ask
 * the user again.
 */
export const DETAILS_CONSENT_PREFIX = 'authorization_details:';

export function detailsConsentValue(details: readonly AuthorizationDetail[]): string {
  return `${DETAILS_CONSENT_PREFIX}${authorizationDetailsHash(details)}`;
}

/** The claims about the user a `claims` request names, per place; undefined when it names none. */
function requestedClaims(claims: ClaimsRequest | undefined): RequestedClaims | undefined {
  if (claims === undefined) return undefined;
  const { idToken, userinfo } = claims;
  if (idToken.length === 0 && userinfo.length === 0) return undefined;
  return {
    ...(idToken.length === 0 ? {} : { id_token: idToken }),
    ...(userinfo.length === 0 ? {} : { userinfo }),
  };
}

function checkNonce(nonce: string | undefined): string | undefined {
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) {
    throw new InvalidRequest(`nonce is longer than ${MAX_NONCE_LENGTH} characters`);
  }
  return nonce;
}

/** RFC 9449 §10: `dpop_jkt` is a base64url SHA-256 JWK thumbprint (RFC 7638): 43 characters. */
function checkDpopJkt(jkt: string | undefined): string | undefined {
  if (jkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(jkt)) {
    throw new InvalidRequest('dpop_jkt must be a base64url SHA-256 JWK thumbprint');
  }
  return jkt;
}

/**
 * The checked `scope` a client asks the user for, within the client's registered scope (RFC 7591
 * §2). OpenID Connect Core §11: `offline_access` asks for a refresh token; a client not
 * registered for `refresh_token` gets none, so the value is ignored (dropped, RFC 6749 §3.3)
 * rather than put before the user or into its tokens.
 */
export function requestedScope(
  client: OAuthClient,
  requested: string | undefined,
  context?: ResourceScopeContext,
): string {
  const scope = checkScope(requested, context);
  refuseOutsideClientScope(scope, client.scope, requested !== undefined);
  if (!hasScope(scope, OFFLINE_ACCESS_SCOPE)) return scope;
  return grantTypesOf(client).includes('refresh_token')
    ? scope
    : withoutScope(scope, OFFLINE_ACCESS_SCOPE);
}
