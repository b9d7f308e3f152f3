import { Injectable } from '@nestjs/common';
import { StepUpConfig } from '../../../../config/sections/step-up.config';
import { ResourceScopes } from '../../../../tokens/resource-scopes';
import { refuseOutsideClientScope, withinClientScope } from '../../../../tokens/scopes';
import { Clock } from '../../../../platform/clock/clock';
import {
  InvalidRequest,
  InvalidScope,
  InvalidToken,
} from '../../../../platform/errors/protocol-error';
import { AccessTokenService, ACCESS_TOKEN_EXPIRED } from '../../../../tokens/access-token.service';
import type { AccessTokenClaims } from '../../../../tokens/access-token';
import { GrantRepository } from '../../../../tokens/grants/grant.repository';
import type { TokenResponse } from '../../../../tokens/grants/grant-token.issuer';
import type { OAuthClient } from '../../../../clients/oauth-client';
import type { ClientCharge } from '../../../client-budget';
import { EXAMPLE } from '../../../oauth.examples';
import { type GrantEntry, GrantHandler, type TokenRequest, grantParameter } from '../../grant';
import { checkAcrMinimum } from '../../../request-rules/check-acr-minimum';
import { AuthorizationDetailsCheck } from '../../../authorization-details/authorization-details.check';
import {
  ACCESS_TOKEN_TYPE,
  actingClient,
  checkTokenTypes,
  exchangeTarget,
  narrowedScope,
} from './check-exchange';
import {
  MACHINE_GRANT_RULE,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from '../../../../protocol-rules/grant-types';

/** RFC 8693 §2.1: the exchange's own parameters. */
const PARAMETERS = {
  subject_token: grantParameter({
    description:
      'token-exchange (RFC 8693 §2.1): a Proofgate access token issued to this client, to exchange',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjFhMmIzYyJ9.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  }),
  subject_token_type: grantParameter({
    description: 'token-exchange: the type of subject_token; only the access token type',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  }),
  requested_token_type: grantParameter({
    description: 'token-exchange: the type of token wanted; only (and by default) an access token',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  }),
  audience: grantParameter({
    description:
      "token-exchange: the target by name (RFC 8693 §2.1); like resource, only the subject token's grant's",
    example: EXAMPLE.resource,
  }),
  actor_token: grantParameter({
    description: 'token-exchange: not supported (the acting party is the authenticated client)',
    example: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhY3RvciJ9.c2lnbmF0dXJl',
  }),
  actor_token_type: grantParameter({
    description: 'token-exchange: the type of actor_token (not supported)',
    example: 'urn:ietf:params:oauth:token-type:access_token',
  }),
  authorization_details: grantParameter({
    description:
      "token-exchange (RFC 9396 §7): a JSON array narrowing the subject token's authorization details to some of its objects; widening is refused (invalid_authorization_details). Absent: all of them",
    example: '[{"type":"payment_initiation","amount":"12.00","currency":"EUR","creditor":"X"}]',
  }),
};

/**
 * RFC 8693 token exchange, for a confidential client registered for it: one of its own Proofgate
 * access tokens (`subject_token`) for a new access token of the same subject, with the same or a
 * narrower scope, for the subject token's `aud` or another resource its grant authorized (RFC
 * 8707 §2: a grant may be for several), naming the client as the actor (`act`). No refresh token. The new token belongs to the subject token's grant: revoking
 * the grant (logout, a refresh token's revocation, the admin CLI) ends it too.
 *
 * RFC 8693 §2.2.2: a subject token that is invalid, expired, revoked or not the client's is
 * `invalid_request`; a broader scope `invalid_scope`; another target `invalid_target`. The
 * exchanged token keeps the subject token's `acr`, so it must meet the minimums of its resource
 * and scope (ACR_REQUIRED_BY_*) as any grant's token: `invalid_target` / `invalid_scope` if not.
 */
@Injectable()
export class TokenExchangeGrant extends GrantHandler<typeof PARAMETERS> {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
    private readonly stepUp: StepUpConfig,
    private readonly authorizationDetails: AuthorizationDetailsCheck,
    private readonly resourceScopes: ResourceScopes,
  ) {
    super();
  }

  async handle(
    client: OAuthClient,
    request: TokenRequest<typeof PARAMETERS>,
    _charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    // The actor an exchanged token names has proven who it is: checkGrantType refuses public
    // clients this grant before any handler.
    const subjectToken = required(request.subject_token, 'subject_token');
    checkTokenTypes(
      required(request.subject_token_type, 'subject_token_type'),
      request.requested_token_type,
    );
    if (request.actor_token !== undefined || request.actor_token_type !== undefined) {
      throw new InvalidRequest(
        'actor_token is not supported: the acting party is the authenticated client',
      );
    }
    const subject = await this.subjectClaims(subjectToken);
    // The rule: a client exchanges only what was issued to it.
    if (subject.client_id !== client.clientId) {
      throw new InvalidRequest('subject_token was not issued to this client').because(
        'subject_token_client_mismatch',
      );
    }
    // RFC 9449 §7.2: a bound token is worth nothing without its key, here as at a resource.
    if (subject.cnf !== undefined && subject.cnf.jkt !== dpopJkt) {
      throw new InvalidRequest(
        'subject_token is DPoP-bound: send a DPoP proof of its key with the exchange',
      ).because('subject_token_dpop_key');
    }
    // Within the client's registered scope as it stands now (RFC 7591 §2): a narrowing since
    // the subject token was issued holds here too.
    const asked = narrowedScope(subject.scope, request.scope);
    if (request.scope !== undefined) refuseOutsideClientScope(asked, client.scope, true);
    const narrowed = withinClientScope(asked, client.scope);
    if (narrowed === '') {
      throw new InvalidScope(
        "None of the subject token's scopes is within this client's registered scope any more",
      ).because('client_scope');
    }
    const details = this.authorizationDetails.narrow(
      client,
      request.authorization_details,
      subject.authorization_details,
    );
    const act = actingClient(client.clientId, subject.act);
    const grant = await this.grants.activeGrantOf(subject.gid, subject.jti, this.clock.now());
    if (grant === null) {
      throw new InvalidRequest('subject_token has been revoked').because('subject_token_revoked');
    }
    // RFC 8707 §2.2: any resource of the grant, read in the same round trip as its liveness.
    const audience = exchangeTarget(subject.aud, grant.resources, {
      resource: request.resource,
      audience: request.audience,
    });
    // A token for one API carries no other API's own scopes (RESOURCE_SERVERS).
    const scope = this.resourceScopes.forAudience(narrowed, audience);
    if (scope === '') {
      throw new InvalidScope(
        `The subject token's scope holds nothing for ${audience}: its scopes are another API's`,
      );
    }
    checkAcrMinimum({ aud: audience, scope, acr: subject.acr }, this.stepUp);
    const access = await this.accessTokens.sign({
      audience,
      sub: subject.sub,
      clientId: client.clientId,
      scope,
      authMethod: subject.auth_method,
      grantId: subject.gid,
      // The subject's authentication as it was (RFC 9470): never raised, and not dropped either,
      // or a resource that requires phr would refuse what the subject token met.
      ...(subject.auth_time === undefined ? {} : { authTime: subject.auth_time }),
      ...(subject.acr === undefined ? {} : { acr: subject.acr }),
      ...(dpopJkt === undefined ? {} : { jkt: dpopJkt }),
      act,
      ...(details === undefined ? {} : { authorizationDetails: details }),
      // Never longer than the subject token: an exchange is no way to extend access (a client
      // without refresh_token would otherwise renew its tokens for the grant's whole life).
      notAfter: subject.exp,
    });
    return {
      access_token: access.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      // RFC 9449 §5: a bound token is of type DPoP.
      token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: access.expiresIn,
      scope,
      ...(details === undefined ? {} : { authorization_details: details }),
    };
  }

  /** The subject token's claims, for any audience (RFC 8707): it may be for another resource. */
  private async subjectClaims(token: string): Promise<AccessTokenClaims> {
    try {
      return await this.accessTokens.verify(token, { anyAudience: true });
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      throw error.description === ACCESS_TOKEN_EXPIRED
        ? new InvalidRequest('subject_token expired').because('subject_token_expired')
        : new InvalidRequest('subject_token is invalid').because('subject_token_invalid');
    }
  }
}

export const TOKEN_EXCHANGE_GRANT: GrantEntry<typeof TOKEN_EXCHANGE_GRANT_TYPE, typeof PARAMETERS> =
  {
    type: TOKEN_EXCHANGE_GRANT_TYPE,
    parameters: PARAMETERS,
    advertised: true,
    // RFC 8693: a client's own access token for a narrower one; `act` names the client, so it
    // must authenticate. No refresh token.
    registration: MACHINE_GRANT_RULE,
    handler: TokenExchangeGrant,
  };

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new InvalidRequest(`${name} is required`);
  return value;
}
