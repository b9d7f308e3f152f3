import { Body } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { AuthorizationHeader } from '../../platform/http/authorization-header';
import { CallerAddress } from '../../platform/http/client-address';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import { ClientEndpoint, ClientFormPost } from '../client-endpoint';
import { RevocationResponseDto } from './revocation-response.dto';
import { TokenLookup } from './token-lookup.service';
import { TokenOperationRequestDto } from './token-operation-request.dto';

/**
 * RFC 7009 token revocation. The client's budget is charged once it is proven: a confidential
 * client by its secret; a public client (RFC 7009 §2.1 lets it revoke without a secret) only by
 * presenting a token of its own. Anything else answers the same 200 and spends nothing of it.
 */
@ClientEndpoint('revoke')
export class RevocationController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly lookup: TokenLookup,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
  ) {}

  @ClientFormPost({
    summary: 'RFC 7009 revocation: a refresh token ends its grant; an access token alone',
    response: RevocationResponseDto,
    formOnly: 'The revocation request',
  })
  async revoke(
    @Body() request: TokenOperationRequestDto,
    @AuthorizationHeader() authorization: string | undefined,
    @CallerAddress() callerAddress: string,
  ): Promise<RevocationResponseDto> {
    const client = await this.clients.authenticate(
      presentedCredentials(authorization, request, callerAddress),
    );
    const charge = this.budget.chargeFor(client.clientId);
    // Proven by its secret: charged alongside the token's lookup.
    if (client.type === 'confidential') charge.start();
    return charge.ifProven(async () => {
      if (request.token === undefined) throw new InvalidRequest('token is required');
      const found = await this.lookup.find(request.token, request.token_type_hint);
      // §2.2: unknown tokens, and tokens of other clients, get the same 200 and stay untouched.
      if (found?.type === 'refresh_token' && found.record.clientId === client.clientId) {
        charge.start();
        // Revoking a refresh token ends its grant: the family and its access tokens (§2.1).
        await this.grants.revoke(found.record.grantId, 'revoked_by_client', this.clock.now());
      } else if (found?.type === 'access_token' && found.claims.client_id === client.clientId) {
        charge.start();
        await this.grants.revokeAccessToken(found.claims.gid, found.claims.jti);
      }
      return {};
    });
  }
}
