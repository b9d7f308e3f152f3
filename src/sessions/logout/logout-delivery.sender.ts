import { Injectable, Logger } from '@nestjs/common';
import { LogoutConfig } from '../../config/sections/logout.config';
import { ServerConfig } from '../../config/sections/server.config';
import { isOperatorClientId } from '../../protocol-rules/client-id';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import { LogoutTokenService } from '../../tokens/logout-token.service';
import { laneOf, type LogoutDelivery } from './logout-delivery';
import { laneTimeoutMs } from './logout-delivery.lanes';

/** A logout URI's answer is not read: a little of it is allowed, then the exchange is cut. */
const MAX_ANSWER_BYTES = 4 * 1024;

/**
 * Why an attempt failed: safe to store and log (the fetcher's reason; never the token); and
 * whether it ran out of time (the host held the attempt: its circuit breaker counts it).
 */
export type SendResult = { ok: true } | { ok: false; error: string; timedOut: boolean };

/**
 * One attempt of a delivery: a freshly signed logout token (its short `exp` counts from now),
 * POSTed as `logout_token=…` (Back-Channel Logout 1.0 §2.5) through the SSRF guard that client
 * metadata documents and jwks_uri go through.
 */
@Injectable()
export class LogoutDeliverySender {
  private readonly logger = new Logger(LogoutDeliverySender.name);

  constructor(
    private readonly tokens: LogoutTokenService,
    private readonly fetcher: GuardedFetcher,
    private readonly logout: LogoutConfig,
    private readonly server: ServerConfig,
  ) {}

  /**
   * BACKCHANNEL_LOGOUT_ALLOW_PRIVATE, in production for operator-registered clients only: a
   * self-registered client's URI (its host name may resolve to an internal address) stays on
   * public https, whatever the setting.
   */
  private privateAllowedFor(clientId: string): boolean {
    if (!this.logout.allowPrivate) return false;
    return !this.server.isProduction || isOperatorClientId(clientId);
  }

  /** One POST, cut at `timeoutMs` (by default the time limit of the client's lane). */
  async send(
    delivery: LogoutDelivery,
    timeoutMs = laneTimeoutMs(laneOf(delivery.clientId), this.logout),
  ): Promise<SendResult> {
    const token = await this.tokens.sign({
      clientId: delivery.clientId,
      sub: delivery.sub,
      sid: delivery.sid,
      alg: delivery.alg,
    });
    try {
      await this.fetcher.postForm(
        new URL(delivery.uri),
        new URLSearchParams({ logout_token: token }),
        {
          maxBytes: MAX_ANSWER_BYTES,
          timeoutMs,
          allowPrivate: this.privateAllowedFor(delivery.clientId),
          accept: '*/*',
        },
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof OutboundFetchError)) throw error;
      this.logger.warn(
        `Logout token for client ${delivery.clientId} not delivered to ${new URL(delivery.uri).host} (attempt ${delivery.attempts}): ${error.message}`,
      );
      return { ok: false, error: error.message, timedOut: error.timedOut };
    }
  }
}
