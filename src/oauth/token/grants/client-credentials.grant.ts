import { Injectable } from '@nestjs/common';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import { checkClientScope } from '../../../tokens/scopes';
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
    const resource = this.target.resourceFor(client, request.resource);
    const scope = checkClientScope(request.scope);
    await this.target.check(client, { resource, scope });
    return this.issuer.issueToClient({ clientId: client.clientId, scope, resource }, dpopJkt);
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
