import { Injectable } from '@nestjs/common';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import { ResourceScopes } from '../../../tokens/resource-scopes';
import { checkClientScope } from '../../../tokens/scopes';
import { ServerConfig } from '../../../config/sections/server.config';
import { InvalidTarget } from '../../../platform/errors/protocol-error';
import { adminApiAudience, isAdminScope } from '../../../protocol-rules/admin-scopes';
import { SSF_SCOPE, ssfAudience } from '../../../protocol-rules/ssf';
import type { OAuthClient } from '../../../clients/oauth-client';
import type { ClientCharge } from '../../client-budget';
import { type GrantEntry, GrantHandler, type TokenRequest } from '../grant';
import { MachineGrantTarget } from './machine-grant-target';
import { MACHINE_GRANT_RULE } from '../../../protocol-rules/grant-types';

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
  constructor(
    private readonly issuer: GrantTokenIssuer,
    private readonly target: MachineGrantTarget,
    private readonly server: ServerConfig,
    private readonly resourceScopes: ResourceScopes,
  ) {
    super();
  }

  async handle(
    client: OAuthClient,
    request: TokenRequest,
    _charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    // §4.4: "MUST only be used by confidential clients": checkGrantType, before any handler.
    // An API's own scopes (RESOURCE_SERVERS) with the resource the request names; the client
    // must be allowed that resource too (target.resourceFor).
    const scope = checkClientScope(request.scope, client, {
      lookup: this.resourceScopes,
      resources: request.resource === undefined ? [] : [request.resource],
    });
    const resource = scope.split(' ').some(isAdminScope)
      ? this.onlyResource(adminApiAudience(this.server.issuer), request.resource, 'admin scopes')
      : scope === SSF_SCOPE
        ? this.onlyResource(ssfAudience(this.server.issuer), request.resource, 'the ssf scope')
        : this.target.resourceFor(client, request.resource);
    await this.target.check(client, { resource, scope });
    return this.issuer.issueToClient({ clientId: client.clientId, scope, resource }, dpopJkt);
  }

  /**
   * Issue #77: an admin token is for the admin API (RFC 8707: named or not), nothing else; issue
   * #80: an `ssf` token is for the Shared Signals transmitter alone, likewise.
   */
  private onlyResource(only: string, requested: string | undefined, what: string): string {
    if (requested !== undefined && requested !== only) {
      throw new InvalidTarget(`A token with ${what} is for ${only} alone`);
    }
    return only;
  }
}

/** §4.4.2: `scope` and `resource` only, which every grant may read. */
export const CLIENT_CREDENTIALS_GRANT: GrantEntry<'client_credentials'> = {
  type: 'client_credentials',
  parameters: {},
  advertised: true,
  // RFC 6749 §4.4: "MUST only be used by confidential clients"; §4.4.3: no refresh token.
  registration: MACHINE_GRANT_RULE,
  handler: ClientCredentialsGrant,
};
