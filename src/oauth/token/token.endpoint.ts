import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config/sections/server.config';
import { InvalidRequest, UnsupportedGrantType } from '../../platform/errors/protocol-error';
import { DpopProofVerifier } from '../../tokens/dpop/dpop-proof.verifier';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { ClientRegistry } from '../../clients/client-registry.service';
import { RegistrableGrantTypes } from '../../clients/registration/registrable-grant-types';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import { checkGrantType, withRegisteredGrants } from '../request-rules/check-grant-type';
import { GRANT_PROOFS, TokenGrants } from './token-grants';
import type { TokenRequestParameters } from './token-request.dto';
import { profileSigningAlgs, requiresDpop } from '../../protocol-rules/client-profile';

/**
 * RFC 6749 §3.2: authenticate the client, check it may use the grant, hand the request to the
 * grant's handler, and give the client only the tokens its registered grants can use.
 *
 * The client's rate-limit budget is charged once the client is proven, alongside work the
 * request does anyway: a confidential client right after its secret is checked (the charge
 * overlaps the code's redemption); a public client, which has no secret, by its grant once the
 * code or refresh token proves it (the charge overlaps the grant's write). A request that proves
 * nothing spends nothing of the client's budget.
 *
 * With a DPoP proof (RFC 9449 §5) the tokens are bound to its key. The proof is checked once the
 * client is known (no round trip: a signature and the claims), and its `jti` recorded BEFORE the
 * grant runs: a replayed proof is refused while the code is still unredeemed and the refresh
 * token unrotated, so replaying someone's proof cannot spend their code or burn their refresh
 * token (RFC 9449 §11.1). That costs one round trip in sequence (the insert; a confidential
 * client's charge overlaps it). Once tokens are issued, the proof's key is remembered.
 */
@Injectable()
export class TokenEndpoint {
  /** RFC 9449 §4.3: the `htu` every proof sent here must name. */
  private readonly tokenUrl: string;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly registry: ClientRegistry,
    private readonly dpop: DpopProofVerifier,
    private readonly grants: TokenGrants,
    private readonly grantTypes: RegistrableGrantTypes,
    server: ServerConfig,
  ) {
    this.tokenUrl = new URL(`${server.issuer}/token`).href;
  }

  async handle(
    request: TokenRequestParameters,
    authorization: string | undefined,
    callerAddress: string,
    dpopHeader?: string,
  ): Promise<TokenEndpointAnswer> {
    const handler = this.grants.handlerFor(request.grant_type);
    const grantType = handler === undefined ? undefined : request.grant_type;
    // The model whose proof this grant's redemption is (the code exchange: PKCE's, RFC 7636 §4.6).
    const model = grantType === undefined ? undefined : GRANT_PROOFS.get(grantType)?.model;
    return tracedStep(
      'oauth.token',
      {
        [STEP_ATTRIBUTES.grantType]: grantType ?? 'other',
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
        checkGrantType(client, request.grant_type, this.grantTypes.rules);
        const proof =
          dpopHeader === undefined
            ? undefined
            : await this.dpop.verify(dpopHeader, { method: 'POST', url: this.tokenUrl });
        // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens never gets bearer
        // tokens; nor does one of the fapi2 profile (FAPI 2.0 §5.3.2.1-4), whose proofs must
        // also use the profile's algorithms (§5.4.1-1).
        if (!proof && requiresDpop(client)) {
          throw new InvalidRequest('This client must send a DPoP proof with its token requests');
        }
        if (proof) this.dpop.requireAlgorithm(proof, profileSigningAlgs(client));
        const charge = this.budget.chargeFor(client.clientId);
        if (client.type === 'confidential') charge.start();
        const response = await charge.around(async () => {
          if (proof) await this.dpop.recordJti(proof);
          return handler.handle(client, request, charge, proof?.jkt);
        });
        if (proof) this.dpop.rememberKey(proof);
        // A registered client stays known while tokens are issued to it (about one write a day).
        await this.registry.recordUse(client);
        return {
          tokens: withRegisteredGrants(client, response),
          ...(proof?.nextNonce === undefined ? {} : { dpopNonce: proof.nextNonce }),
        };
      },
    );
  }
}

/** The token response, and the DPoP nonce to send with it (RFC 9449 §8.2), if one is due. */
export interface TokenEndpointAnswer {
  tokens: TokenResponse;
  dpopNonce?: string;
}
