import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../../challenges/challenge-store';
import { Clock } from '../../../platform/clock/clock';
import { DomainEvents } from '../../../platform/events/domain-events';
import { GrantTokenIssuer, type StartGrant } from '../../../tokens/grants/grant-token.issuer';
import { DEVICE_CODE_GRANT_TYPE, type DeviceCodePayload } from '../../device/device-authorization';
import { PolledAuthorizations, PolledGrant, type PolledKey } from './polled-authorization';
import { SessionLogout } from '../../../sessions/logout/session-logout.service';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { type GrantEntry, grantParameter } from '../grant';

const PARAMETERS = {
  device_code: grantParameter({
    description:
      'urn:ietf:params:oauth:grant-type:device_code: the device_code from /device_authorization (RFC 8628 §3.4)',
    example: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
  }),
};

/**
 * RFC 8628 §3.4-3.5: the client polls with its device code until the user answers. A poll in
 * time of a pending code is one conditional write of its state, any other a read and a
 * conditional write (PolledAuthorizations: the interval held by compare-and-set, 5 seconds more
 * for each early poll). An approved code is
 * redeemed once, by the store's atomic consume, and only by the client it was issued to.
 */
@Injectable()
export class DeviceCodeGrant extends PolledGrant<typeof PARAMETERS, DeviceCodePayload> {
  protected readonly polled: PolledKey<typeof PARAMETERS> = {
    kind: 'device_code',
    issuedInterval: 'deviceCodeIntervalSeconds',
    parameter: 'device_code',
    what: 'Device code',
    restart: 'start a new device authorization',
  };

  constructor(
    protected readonly store: ChallengeStore,
    protected readonly issuer: GrantTokenIssuer,
    protected readonly events: DomainEvents,
    protected readonly clock: Clock,
    protected readonly polls: PolledAuthorizations,
    protected readonly resourceClientIds: ResourceClientIdCheck,
    protected readonly sessionLogout: SessionLogout,
  ) {
    super();
  }

  /** Recorded so that no token of it ever says `phr` or changes the account (RFC 8628 §5.4). */
  protected grantFields(): Partial<StartGrant> {
    return { grantType: DEVICE_CODE_GRANT_TYPE };
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
  // The polls while the user has not answered (authorization_pending, slow_down) prove nothing.
  proof: { model: 'device', waits: ['authorization_pending', 'slow_down'] },
  handler: DeviceCodeGrant,
};
