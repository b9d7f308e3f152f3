import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../../challenges/challenge-store';
import { Clock } from '../../../platform/clock/clock';
import { DomainEvents } from '../../../platform/events/domain-events';
import { GrantTokenIssuer, type StartGrant } from '../../../tokens/grants/grant-token.issuer';
import { SessionLogout } from '../../../sessions/logout/session-logout.service';
import { CIBA_GRANT_TYPE, type CibaRequestPayload } from '../../ciba/ciba-request';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { type GrantEntry, grantParameter } from '../grant';
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
 * answers on /account/approvals. A poll in time of a pending request is one conditional write of
 * its state, any other a read and a conditional write (PolledAuthorizations, as for device codes:
 * `slow_down` and 5 seconds more for an early poll). An approved request is redeemed once, by the store's atomic consume, and only by
 * the client that made it; its tokens carry the approval's `acr` and `amr` and the request's
 * authorization details, with an ID token (the request was an OpenID one).
 */
@Injectable()
export class CibaGrant extends PolledGrant<typeof PARAMETERS, CibaRequestPayload> {
  protected readonly polled: PolledKey<typeof PARAMETERS> = {
    kind: 'ciba_request',
    issuedInterval: 'cibaIntervalSeconds',
    parameter: 'auth_req_id',
    what: 'auth_req_id',
    restart: 'start a new backchannel authentication request',
  };

  constructor(
    protected readonly store: ChallengeStore,
    protected readonly issuer: GrantTokenIssuer,
    protected readonly events: DomainEvents,
    protected readonly polls: PolledAuthorizations,
    protected readonly resourceClientIds: ResourceClientIdCheck,
    protected readonly sessionLogout: SessionLogout,
    protected readonly clock: Clock,
  ) {
    super();
  }

  /**
   * The approval's `acr` (never `phr` for a click in a session; a passkey's proof is `phr`), the
   * request's details, and, when a proof over the request approved it, the `approval` claim.
   */
  protected grantFields(approved: CibaRequestPayload): Partial<StartGrant> {
    const { approvalMethod, approvalHash, approvalTime } = approved;
    return {
      ...(approved.acr === undefined ? {} : { acr: approved.acr }),
      ...(approvalMethod === undefined || approvalHash === undefined || approvalTime === undefined
        ? {}
        : { approval: { method: approvalMethod, hash: approvalHash, time: approvalTime } }),
      ...(approved.authorizationDetails === undefined
        ? {}
        : { authorizationDetails: approved.authorizationDetails }),
    };
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
    // Its requests prompt the person it names: the operator vouches for who may ask.
    operatorRegisteredOnly: true,
  },
  handler: CibaGrant,
};
