import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import { UnsupportedGrantType } from '../../platform/errors/protocol-error';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { ClientRegistry } from '../../clients/client-registry.service';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import { checkGrantType, withRegisteredGrants } from './check-grant-type';
import { GrantHandler } from './grant-handler';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import type { TokenRequestDto } from './token-request.dto';

/**
 * RFC 6749 §3.2: authenticate the client, check it may use the grant, hand the request to the
 * grant's handler, and give the client only the tokens its registered grants can use.
 *
 * The client's rate-limit budget is charged once the client is proven, alongside work the
 * request does anyway: a confidential client right after its secret is checked (the charge
 * overlaps the code's redemption); a public client, which has no secret, by its grant once the
 * code or refresh token proves it (the charge overlaps the grant's write). A request that proves
 * nothing spends nothing of the client's budget.
 */
@Injectable()
export class TokenEndpoint {
  private readonly handlers: ReadonlyMap<string, GrantHandler>;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly registry: ClientRegistry,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
  ) {
    this.handlers = new Map([authorizationCode, refreshToken].map((h) => [h.grantType, h]));
  }

  async handle(
    request: TokenRequestDto,
    authorization: string | undefined,
    callerAddress: string,
  ): Promise<TokenResponse> {
    const handler = this.handlers.get(request.grant_type);
    // RFC 7636 §4.6: the code exchange is the PKCE model's proof.
    const model = handler?.grantType === 'authorization_code' ? 'pkce' : undefined;
    return tracedStep(
      'oauth.token',
      {
        [STEP_ATTRIBUTES.grantType]: handler?.grantType ?? 'other',
        [STEP_ATTRIBUTES.model]: model,
      },
      async (span) => {
        const client = await this.clients.authenticate(
          presentedCredentials(authorization, request, callerAddress),
        );
        span.set(STEP_ATTRIBUTES.clientId, client.clientId);
        if (!handler) {
          throw new UnsupportedGrantType(
            `Unsupported grant_type: ${request.grant_type.slice(0, 40)}`,
          );
        }
        checkGrantType(client, handler.grantType);
        const charge = this.budget.chargeFor(client.clientId);
        if (client.type === 'confidential') charge.start();
        const response = await charge.around(() => handler.handle(client, request, charge));
        // A registered client stays known while tokens are issued to it (about one write a day).
        await this.registry.recordUse(client);
        return withRegisteredGrants(client, response);
      },
    );
  }
}
