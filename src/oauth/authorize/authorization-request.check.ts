import { Injectable } from '@nestjs/common';
import { OAuthConfig } from '../../config/sections/oauth.config';
import { TokenConfig } from '../../config/sections/tokens.config';
import {
  InvalidRequest,
  InvalidScope,
  UnsupportedResponseType,
} from '../../platform/errors/protocol-error';
import type { OAuthClient } from '../../clients/oauth-client';
import { checkCodeChallenge } from '../pkce/check-pkce';
import { checkAuthorizedResource } from '../resource/check-resource';
import { ResourceClientIdCheck } from '../resource/check-resource-client-id';
import {
  ACCOUNT_SCOPE,
  OFFLINE_ACCESS_SCOPE,
  SUPPORTED_SCOPES,
  checkScope,
  hasScope,
  withoutScope,
} from '../../tokens/scopes';
import { grantTypesOf } from '../token/check-grant-type';
import { checkAcrMinimum } from '../token/check-acr-minimum';
import { DEVICE_CODE_GRANT_TYPE } from '../../protocol-rules/grant-types';
import { StepUpConfig } from '../../config/sections/step-up.config';
import { ConfigError } from '../../config/env-parsers';
import { acrMinimumOf, acrRequestedBy, strongerAcr, type AcrValue } from '../../protocol-rules/acr';
import { checkMaxAge, checkPrompt, type AuthenticationRequirements } from './check-authentication';
import { MAX_NONCE_LENGTH } from './authorization-code.service';
import type { AuthorizationParameters } from './authorization-parameters';

/** An authorization request's parameters once checked, for a client and redirect URI known. */
export interface CheckedAuthorizationRequest {
  codeChallenge: string;
  scope: string;
  nonce?: string;
  /** RFC 8707: the resource the tokens will be for (default ACCESS_TOKEN_AUDIENCE). */
  resource: string;
  /** RFC 9449 §10: the DPoP key the code may be redeemed with. */
  dpopJkt?: string;
  /** What the login behind the code must be: `prompt`, `max_age`, the `acr` demanded. */
  authentication: AuthenticationRequirements;
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
  ) {
    // ACR_REQUIRED_BY_SCOPE is checked for syntax by config/; which scopes exist is known here.
    const unknown = Object.keys(stepUp.acrRequiredByScope).filter(
      (scope) => !(SUPPORTED_SCOPES as readonly string[]).includes(scope),
    );
    if (unknown.length > 0) {
      throw new ConfigError(
        `ACR_REQUIRED_BY_SCOPE names scopes this server does not grant: ${unknown.join(', ')} (supported: ${SUPPORTED_SCOPES.join(', ')})`,
      );
    }
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
    const codeChallenge = checkCodeChallenge(request.code_challenge, request.code_challenge_method);
    if (this.oauth.requireState && !request.state) {
      throw new InvalidRequest('state is required');
    }
    const { scope, resource } = await this.checkScopeAndResource(client, request);
    const nonce = checkNonce(request.nonce);
    const dpopJkt = checkDpopJkt(request.dpop_jkt);
    const prompt = checkPrompt(request.prompt);
    const maxAge = checkMaxAge(request.max_age);
    return {
      codeChallenge,
      scope,
      resource,
      authentication: {
        promptNone: prompt.none,
        promptLogin: prompt.login,
        ...(maxAge === undefined ? {} : { maxAge }),
        ...this.requiredAcr(request.acr_values, scope, resource),
      },
      ...(nonce === undefined ? {} : { nonce }),
      ...(dpopJkt === undefined ? {} : { dpopJkt }),
    };
  }

  /**
   * The `scope` and RFC 8707 `resource` of a request for this client's tokens, as /authorize
   * checks them; the device authorization endpoint (RFC 8628 §3.1) checks its own the same way.
   */
  async checkScopeAndResource(
    client: OAuthClient,
    request: { scope?: string; resource?: string },
  ): Promise<{ scope: string; resource: string }> {
    const scope = requestedScope(client, request.scope);
    // The account scope can add a way into the account (a passkey, a wallet): the operator's own
    // applications only.
    if (hasScope(scope, ACCOUNT_SCOPE) && !client.firstParty) {
      throw new InvalidScope(
        `The ${ACCOUNT_SCOPE} scope is granted to first-party clients only`,
      ).because('account_scope_not_first_party');
    }
    const resource = checkAuthorizedResource(client, request.resource, {
      defaultResource: this.tokens.audience,
      registeredClients: this.oauth.registeredClientResources,
    });
    await this.resourceClientIds.refuseClientId(client, resource);
    return { scope, resource };
  }

  /**
   * RFC 9470 §4 / OpenID Connect Core §3.1.2.1: the `acr` the login must achieve, the strongest
   * of what `acr_values` asks and what ACR_REQUIRED_BY_SCOPE and ACR_REQUIRED_BY_RESOURCE demand of
   * the scope and resource (a client cannot get a token the resource would refuse by not asking).
   */
  requiredAcr(acrValues: string | undefined, scope: string, resource: string): { acr?: AcrValue } {
    const acr = strongerAcr(
      acrRequestedBy(acrValues),
      acrMinimumOf({ aud: resource, scope }, this.stepUp),
    );
    return acr === undefined ? {} : { acr };
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
 * The checked `scope` a client asks the user for. OpenID Connect Core §11: `offline_access`
 * asks for a refresh token; a client not registered for `refresh_token` gets none, so the value
 * is ignored (dropped, RFC 6749 §3.3) rather than put before the user or into its tokens.
 */
export function requestedScope(client: OAuthClient, requested: string | undefined): string {
  const scope = checkScope(requested);
  if (!hasScope(scope, OFFLINE_ACCESS_SCOPE)) return scope;
  return grantTypesOf(client).includes('refresh_token')
    ? scope
    : withoutScope(scope, OFFLINE_ACCESS_SCOPE);
}
