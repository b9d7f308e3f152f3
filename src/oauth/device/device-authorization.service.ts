import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import { randomToken, sha256Base64Url } from '../../platform/crypto/hashing';
import { firstWriteWins } from '../../platform/database/duplicate-key';
import type { OAuthClient } from '../../clients/oauth-client';
import {
  type DeviceCodeBinding,
  type DeviceCodePayload,
  type DeviceUserCodePayload,
} from './device-authorization';
import { POLLED_KEY_MEMORY_SECONDS } from '../polling/polled-authorization-state';
import { newUserCode, normalizeUserCode } from './user-code';

/** RFC 8628 §3.2 device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** Draws again when a fresh user code is already taken (a live or spent one): rare enough. */
const USER_CODE_DRAWS = 5;

/**
 * Issues a device authorization (RFC 8628 §3.2): two challenges of the one store, with the same
 * lifetime. The device code (256 bits, only its hash stored) is bound to the client and carries
 * the state it polls; the user code is the key of a second challenge that names the first by its
 * hash, so the verification page finds the authorization from what the user types and no store
 * keeps the device code itself.
 */
@Injectable()
export class DeviceAuthorizationService {
  readonly verificationUri: string;

  constructor(
    private readonly store: ChallengeStore,
    private readonly challenges: ChallengeConfig,
    private readonly clock: Clock,
    server: ServerConfig,
  ) {
    this.verificationUri = `${server.issuer}/device`;
  }

  async issue(
    client: OAuthClient,
    scope: string,
    resource: string,
  ): Promise<DeviceAuthorizationResponse> {
    const ttlSeconds = this.challenges.deviceCodeTtlSeconds;
    const interval = this.challenges.deviceCodeIntervalSeconds;
    const deviceCode = randomToken(32);
    const issuedAt = this.clock.now();
    const binding: DeviceCodeBinding = { client_id: client.clientId };
    await this.store.issue<DeviceCodePayload>({
      kind: 'device_code',
      key: deviceCode,
      binding,
      // The first poll may come at once; each later one `interval` after the one before.
      payload: { status: 'pending', scope, resource, interval, pollableAt: issuedAt },
      ttlSeconds,
      rememberedFor: POLLED_KEY_MEMORY_SECONDS,
      issuedAt,
    });
    const userCode = await this.issueUserCode(
      {
        deviceCodeHash: sha256Base64Url(deviceCode),
        clientId: client.clientId,
        scope,
        resource,
      },
      ttlSeconds,
      issuedAt,
    );
    return {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: this.verificationUri,
      verification_uri_complete: `${this.verificationUri}?user_code=${encodeURIComponent(userCode)}`,
      expires_in: ttlSeconds,
      interval,
    };
  }

  private async issueUserCode(
    payload: DeviceUserCodePayload,
    ttlSeconds: number,
    issuedAt: Date,
  ): Promise<string> {
    for (let draw = 0; draw < USER_CODE_DRAWS; draw++) {
      const userCode = newUserCode();
      // The store's `_id` is the key's hash: a code already taken is refused by the unique index.
      const issued = await firstWriteWins(() =>
        this.store.issue<DeviceUserCodePayload>({
          kind: 'device_user_code',
          key: normalizeUserCode(userCode) as string,
          binding: {},
          payload,
          ttlSeconds,
          issuedAt,
        }),
      );
      if (issued) return userCode;
    }
    throw new Error('No free user code after several draws');
  }
}
