import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { Clock } from '../../platform/clock/clock';
import { randomToken } from '../../platform/crypto/hashing';
import type { OAuthClient } from '../../clients/oauth-client';
import type { AcrValue } from '../../protocol-rules/acr';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { CibaRequestBinding, CibaRequestPayload } from './ciba-request';
import { CibaNotifications } from './notifications/ciba-notifications';
import { POLLED_KEY_MEMORY_SECONDS } from '../device/device-authorization';

/** CIBA Core 1.0 §7.3 successful answer. */
export interface BackchannelAuthenticationResponse {
  auth_req_id: string;
  expires_in: number;
  interval: number;
}

/** A checked backchannel request: whom it asks (if anyone may be asked) and for what. */
export interface CibaRequest {
  /** The account asked; absent when the hint named nobody who may be asked. */
  account?: string;
  scope: string;
  resource: string;
  bindingMessage?: string;
  authorizationDetails?: AuthorizationDetail[];
  /** The `acr` the approval must achieve (ACR_REQUIRED_BY_*), when a sign-in is not enough. */
  requiredAcr?: AcrValue;
  /** `requested_expiry`, seconds, when the client asked for a shorter life. */
  requestedExpiry?: number;
  /** CIBA Core 1.0 §7.1 `client_notification_token` of a ping client. */
  clientNotificationToken?: string;
}

/** The answer, and when the request expires. */
export interface IssuedCibaRequest {
  readonly response: BackchannelAuthenticationResponse;
  readonly expiresAt: Date;
}

/**
 * Issues a backchannel authentication request (CIBA Core 1.0 §7.3): one challenge of the one
 * store. Its key, the `auth_req_id` (256 bits, only its hash stored), is bound to the client and
 * to the account asked, and its payload carries the request and the state the client polls. A
 * request for nobody is stored the same way without an account: it answers and polls as any other.
 */
@Injectable()
export class CibaRequestService {
  constructor(
    private readonly store: ChallengeStore,
    private readonly challenges: ChallengeConfig,
    private readonly clock: Clock,
    private readonly notifications: CibaNotifications,
  ) {}

  async issue(client: OAuthClient, request: CibaRequest): Promise<IssuedCibaRequest> {
    const maxTtl = this.challenges.cibaRequestTtlSeconds;
    const ttlSeconds = Math.min(maxTtl, request.requestedExpiry ?? maxTtl);
    const interval = this.challenges.cibaIntervalSeconds;
    const authReqId = randomToken(32);
    const issuedAt = this.clock.now();
    const binding: CibaRequestBinding = {
      client_id: client.clientId,
      ...(request.account === undefined ? {} : { account: request.account }),
    };
    await this.store.issue<CibaRequestPayload>({
      kind: 'ciba_request',
      key: authReqId,
      binding: binding as Record<string, string>,
      // §7.3: the first poll may come at once; each later one `interval` after the one before.
      payload: {
        status: 'pending',
        scope: request.scope,
        resource: request.resource,
        interval,
        pollableAt: issuedAt,
        ...(request.bindingMessage === undefined ? {} : { bindingMessage: request.bindingMessage }),
        ...(request.authorizationDetails === undefined
          ? {}
          : { authorizationDetails: request.authorizationDetails }),
        ...(request.requiredAcr === undefined ? {} : { requiredAcr: request.requiredAcr }),
        ...this.ping(client, authReqId, request.clientNotificationToken),
      },
      ttlSeconds,
      rememberedFor: POLLED_KEY_MEMORY_SECONDS,
      issuedAt,
    });
    return {
      response: { auth_req_id: authReqId, expires_in: ttlSeconds, interval },
      expiresAt: new Date(issuedAt.getTime() + ttlSeconds * 1000),
    };
  }

  /** A ping client's ping, sealed into the request (CIBA Core 1.0 §10.2). */
  private ping(
    client: OAuthClient,
    authReqId: string,
    token: string | undefined,
  ): Pick<CibaRequestPayload, 'ping'> {
    const endpoint = client.backchannelClientNotificationEndpoint;
    if (endpoint === undefined || token === undefined) return {};
    return {
      ping: this.notifications.seal.sealPing(
        { endpoint, authReqId, clientNotificationToken: token },
        client.clientId,
      ),
    };
  }
}
