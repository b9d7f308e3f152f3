import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../../challenges/challenge-store';
import type { StoredChallenge } from '../../../challenges/challenge';
import { Clock } from '../../../platform/clock/clock';
import { InvalidGrant } from '../../../platform/errors/protocol-error';
import { DomainEvents } from '../../../platform/events/domain-events';
import { grantIdForChallenge } from '../../../tokens/grants/grant';
import { checkRequestedResource } from '../../../tokens/grants/grant-resource';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import { OPENID_SCOPE, hasScope } from '../../../tokens/scopes';
import type { OAuthClient } from '../../../clients/oauth-client';
import { DEVICE_CODE_GRANT_TYPE, type DeviceCodePayload } from '../../device/device-authorization';
import { PolledAuthorizations, PolledGrant, type PolledKey } from './polled-authorization';
import { SessionLogout } from '../../../sessions/logout/session-logout.service';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { type GrantEntry, type TokenRequest, grantParameter } from '../grant';

const PARAMETERS = {
  device_code: grantParameter({
    description:
      'urn:ietf:params:oauth:grant-type:device_code: the device_code from /device_authorization (RFC 8628 §3.4)',
    example: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
  }),
};

/**
 * RFC 8628 §3.4-3.5: the client polls with its device code until the user answers. Every poll
 * is one read and one conditional write of the device code's state (PolledAuthorizations: the
 * interval held by compare-and-set, 5 seconds more for each early poll). An approved code is
 * redeemed once, by the store's atomic consume, and only by the client it was issued to.
 */
@Injectable()
export class DeviceCodeGrant extends PolledGrant<typeof PARAMETERS, DeviceCodePayload> {
  protected readonly polled: PolledKey<typeof PARAMETERS> = {
    kind: 'device_code',
    parameter: 'device_code',
    what: 'Device code',
    restart: 'start a new device authorization',
  };

  constructor(
    protected readonly store: ChallengeStore,
    private readonly issuer: GrantTokenIssuer,
    protected readonly events: DomainEvents,
    private readonly clock: Clock,
    protected readonly polls: PolledAuthorizations,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly sessionLogout: SessionLogout,
  ) {
    super();
  }

  protected async redeem(
    client: OAuthClient,
    { keyHash, payload }: StoredChallenge<DeviceCodePayload>,
    request: TokenRequest<typeof PARAMETERS>,
    dpopJkt: string | undefined,
  ): Promise<TokenResponse> {
    if (
      payload.status !== 'approved' ||
      payload.sub === undefined ||
      payload.authMethod === undefined
    ) {
      throw new InvalidGrant('Invalid device code').because('unknown_code');
    }
    const resource = checkRequestedResource([payload.resource], request.resource);
    await this.resourceClientIds.refuseClientId(client, resource);
    const authTime = payload.authTime ?? Math.floor(this.clock.now().getTime() / 1000);
    const grantId = grantIdForChallenge(keyHash);
    const sid = payload.sid;
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
        // Recorded so that no token of it ever says `phr` or changes the account (§5.4).
        grantType: DEVICE_CODE_GRANT_TYPE,
        ...(payload.sid === undefined ? {} : { sid: payload.sid }),
      },
      // OpenID Connect Core §3.1.3.3: an ID token when the scope had openid (no nonce here).
      hasScope(payload.scope, OPENID_SCOPE)
        ? {
            authTime,
            ...(payload.amr ? { amr: payload.amr } : {}),
            ...(payload.sid === undefined ? {} : { sid: payload.sid }),
          }
        : undefined,
      dpopJkt === undefined ? undefined : { jkt: dpopJkt, bindRefresh: client.type === 'public' },
      // After the grant's write, beside the lock-down check: the session that approved the code,
      // ended meanwhile, takes the grant with it.
      sid === undefined ? undefined : () => this.sessionLogout.refuseIfEnded(sid, grantId),
    );
  }
}

export const DEVICE_CODE_GRANT: GrantEntry<typeof DEVICE_CODE_GRANT_TYPE, typeof PARAMETERS> = {
  type: DEVICE_CODE_GRANT_TYPE,
  parameters: PARAMETERS,
  advertised: true,
  // RFC 8628: public clients too (a CLI has no secret); the user signs in at /device.
  registration: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  handler: DeviceCodeGrant,
};
