import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { Clock } from '../../platform/clock/clock';
import { randomToken, sha256Base64Url } from '../../platform/crypto/hashing';
import { TooManyRequests } from '../../platform/errors/protocol-error';
import type { OAuthClient } from '../../clients/oauth-client';
import type { AcrValue } from '../../protocol-rules/acr';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { CibaRequestBinding, CibaRequestPayload } from './ciba-request';
import { CibaNotifications } from './notifications/ciba-notifications';
import { POLLED_KEY_MEMORY_SECONDS } from '../polling/polled-authorization-state';

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
  /** The account asked, else the name the hint gave (AskedPerson.name): what the cap counts by. */
  asked: string;
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
 * request for nobody is stored the same way without an account: it answers and polls as any other,
 * and counts against its client's cap of pending requests as one for an account does.
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
      asked: sha256Base64Url(request.asked),
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
    await this.withinCap(authReqId, binding);
    return {
      response: { auth_req_id: authReqId, expires_in: ttlSeconds, interval },
      expiresAt: new Date(issuedAt.getTime() + ttlSeconds * 1000),
    };
  }

  /**
   * At most CIBA_MAX_PENDING_PER_CLIENT requests of one client pending for one person: a client's
   * flood would otherwise push the person's other requests off the approvals page's list
   * (MAX_LISTED_APPROVALS). Counted after the request is stored, never before: each request
   * counts every pending one stored before its count, its own included, and withdraws itself
   * (spent: never listed, announced nor redeemed; its auth_req_id never sent) when they are more
   * than the cap. Of requests that race, the last to count sees every other that stays, so no
   * more than the cap stay, on one instance or many, with no transaction and no reliance on the
   * TTL monitor; at the cap, racing requests may all be refused. The answer speaks of this
   * client's own requests only, and reads the same whether the hint named an account or nobody.
   */
  private async withinCap(authReqId: string, binding: CibaRequestBinding): Promise<void> {
    const cap = this.challenges.cibaMaxPendingPerClient;
    const theirs = {
      binding: { client_id: binding.client_id, asked: binding.asked },
      payload: { status: 'pending' },
    };
    if ((await this.store.countLive('ciba_request', theirs)) <= cap) return;
    await this.store.spend('ciba_request', authReqId, theirs.binding);
    // Retry-After: when the soonest of the others expires, if none is answered before (at once,
    // past the least wait, if they were all answered meanwhile).
    const expiries = (await this.store.listLive('ciba_request', cap, theirs)).map((request) =>
      request.expiresAt.getTime(),
    );
    const now = this.clock.now().getTime();
    const soonest = expiries.length === 0 ? now : Math.min(...expiries);
    throw new TooManyRequests(
      `This client already has ${cap} backchannel requests pending for this person, the most it may have: wait until one is answered or expires`,
      (soonest - now) / 1000,
    ).because('ciba_pending_cap');
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
