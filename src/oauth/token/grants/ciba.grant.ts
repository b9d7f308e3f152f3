import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../../challenges/challenge-store';
import type { StoredChallenge } from '../../../challenges/challenge';
import { InvalidGrant } from '../../../platform/errors/protocol-error';
import { DomainEvents } from '../../../platform/events/domain-events';
import { grantIdForChallenge } from '../../../tokens/grants/grant';
import { checkRequestedResource } from '../../../tokens/grants/grant-resource';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import type { OAuthClient } from '../../../clients/oauth-client';
import { SessionLogout } from '../../../sessions/logout/session-logout.service';
import { CIBA_GRANT_TYPE, type CibaRequestPayload } from '../../ciba/ciba-request';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { type GrantEntry, type TokenRequest, grantParameter } from '../grant';
import { PolledAuthorizations, PolledGrant, type PolledKey } from './polled-authorization';

const PARAMETERS = {
  auth_req_id: grantParameter({
    description:
      'urn:openid:params:grant-type:ciba: the auth_req_id from /backchannel (CIBA Core 1.0 §10.1)',
    example: 'LWmbj3ZJxhV6cbI8D9Hj3RiCBy7vOa0FI4Qj3-vy9Ls',
  }),
};

/**
 * CIBA Core 1.0 §10-11, poll mode: the client polls with its `auth_req_id` until the person
 * answers on /account/approvals. Every poll is one read and one conditional write of the
 * request's state (PolledAuthorizations, as for device codes: `slow_down` and 5 seconds more for
 * an early poll). An approved request is redeemed once, by the store's atomic consume, and only by
 * the client that made it; its tokens carry the approval's `acr` and `amr` and the request's
 * authorization details, with an ID token (the request was an OpenID one).
 */
@Injectable()
export class CibaGrant extends PolledGrant<typeof PARAMETERS, CibaRequestPayload> {
  protected readonly polled: PolledKey<typeof PARAMETERS> = {
    kind: 'ciba_request',
    parameter: 'auth_req_id',
    what: 'auth_req_id',
    restart: 'start a new backchannel authentication request',
  };

  constructor(
    protected readonly store: ChallengeStore,
    private readonly issuer: GrantTokenIssuer,
    protected readonly events: DomainEvents,
    protected readonly polls: PolledAuthorizations,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly sessionLogout: SessionLogout,
  ) {
    super();
  }

  protected async redeem(
    client: OAuthClient,
    { keyHash, payload }: StoredChallenge<CibaRequestPayload>,
    request: TokenRequest<typeof PARAMETERS>,
    dpopJkt: string | undefined,
  ): Promise<TokenResponse> {
    if (
      payload.status !== 'approved' ||
      payload.sub === undefined ||
      payload.authMethod === undefined ||
      payload.authTime === undefined
    ) {
      throw new InvalidGrant('Invalid auth_req_id').because('unknown_code');
    }
    const resource = checkRequestedResource([payload.resource], request.resource);
    await this.resourceClientIds.refuseClientId(client, resource);
    const grantId = grantIdForChallenge(keyHash);
    const { sid, authTime } = payload;
    return this.issuer.startGrant(
      {
        grantId,
        clientId: client.clientId,
        sub: payload.sub,
        scope: payload.scope,
        authMethod: payload.authMethod,
        ...(payload.methodKey === undefined ? {} : { methodKey: payload.methodKey }),
        resource,
        authTime: new Date(authTime * 1000),
        ...(payload.acr === undefined ? {} : { acr: payload.acr }),
        ...(sid === undefined ? {} : { sid }),
        ...(payload.authorizationDetails === undefined
          ? {}
          : { authorizationDetails: payload.authorizationDetails }),
      },
      // CIBA Core 1.0 §10.1.1: an ID token with every successful token response.
      {
        authTime,
        ...(payload.amr ? { amr: payload.amr } : {}),
        ...(sid === undefined ? {} : { sid }),
      },
      dpopJkt === undefined ? undefined : { jkt: dpopJkt, bindRefresh: false },
      // After the grant's write, beside the lock-down check: the session that approved the
      // request, ended meanwhile, takes the grant with it.
      sid === undefined ? undefined : () => this.sessionLogout.refuseIfEnded(sid, grantId),
    );
  }
}

export const CIBA_GRANT: GrantEntry<typeof CIBA_GRANT_TYPE, typeof PARAMETERS> = {
  type: CIBA_GRANT_TYPE,
  parameters: PARAMETERS,
  advertised: true,
  // CIBA Core 1.0 §4, §7.1: the client authenticates at the backchannel endpoint; the person
  // approves elsewhere (the account page), so nothing comes back through a redirect.
  registration: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: true,
  },
  handler: CibaGrant,
};
