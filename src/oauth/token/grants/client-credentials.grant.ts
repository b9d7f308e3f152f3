import { Injectable } from '@nestjs/common';
import { OAuthConfig } from '../../../config/sections/oauth.config';
import { StepUpConfig } from '../../../config/sections/step-up.config';
import { TokenConfig } from '../../../config/sections/tokens.config';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import { checkClientScope } from '../../../tokens/scopes';
import type { OAuthClient } from '../../../clients/oauth-client';
import type { ClientCharge } from '../../client-budget';
import { checkAuthorizedResource, resourcePolicy } from '../../resource/check-resource';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { GrantHandler } from '../grant-handler';
import type { TokenRequestDto } from '../token-request.dto';
import { checkAcrMinimum } from '../check-acr-minimum';

/**
 * RFC 6749 §4.4: a confidential client asks for a token for itself. The endpoint has
 * authenticated it and checked it registered the grant; the token names the client as its
 * subject (RFC 9068 §2.2), is for a resource the client may use, carries only scopes a client
 * may hold for itself, and comes without a refresh token (§4.4.3) or ID token. A resource or
 * scope that requires a user's phishing-resistant sign-in (ACR_REQUIRED_BY_*) is refused: the
 * token names no user, so no sign-in at all.
 */
@Injectable()
export class ClientCredentialsGrant extends GrantHandler {
  readonly grantType = 'client_credentials';

  constructor(
    private readonly issuer: GrantTokenIssuer,
    private readonly oauth: OAuthConfig,
    private readonly tokens: TokenConfig,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly stepUp: StepUpConfig,
  ) {
    super();
  }

  async handle(
    client: OAuthClient,
    request: TokenRequestDto,
    _charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    // §4.4: "MUST only be used by confidential clients": checkGrantType, before any handler.
    // RFC 8707 §2: the resources the client may name, as at /authorize.
    const resource = checkAuthorizedResource(
      client,
      request.resource,
      resourcePolicy(this.oauth, this.tokens.audience),
    );
    // As at the code exchange: no token whose aud is a client's id (that client's ID tokens' aud).
    await this.resourceClientIds.refuseClientId(client, resource);
    const scope = checkClientScope(request.scope);
    checkAcrMinimum({ aud: resource, scope }, this.stepUp);
    return this.issuer.issueToClient({ clientId: client.clientId, scope, resource }, dpopJkt);
  }
}
