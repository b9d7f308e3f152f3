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
import { ACCOUNT_SCOPE, checkScope, hasScope } from '../../tokens/scopes';
import { MAX_NONCE_LENGTH } from './authorization-code.service';
import type { AuthorizationRequestDto } from './authorization-request.dto';

/** An authorization request's parameters once checked, for a client and redirect URI known. */
export interface CheckedAuthorizationRequest {
  codeChallenge: string;
  scope: string;
  nonce?: string;
  /** RFC 8707: the resource the tokens will be for (default ACCESS_TOKEN_AUDIENCE). */
  resource: string;
  /** RFC 9449 §10: the DPoP key the code may be redeemed with. */
  dpopJkt?: string;
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
  ) {}

  async check(
    client: OAuthClient,
    request: AuthorizationRequestDto,
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
    return {
      codeChallenge,
      scope,
      resource,
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
    const scope = checkScope(request.scope);
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
