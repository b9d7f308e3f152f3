import { Injectable, Logger } from '@nestjs/common';
import { LogoutConfig } from '../../config/sections/logout.config';
import { ServerConfig } from '../../config/sections/server.config';
import { isOperatorClientId } from '../../protocol-rules/client-id';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import { LogoutTokenService } from '../../tokens/logout-token.service';
import type { LogoutDelivery } from './logout-delivery';

/** A logout URI's answer is not read: a little of it is allowed, then the exchange is cut. */
const MAX_ANSWER_BYTES = 4 * 1024;

/** Why an attempt failed: safe to store and log (the fetcher's reason; never the token). */
export type SendResult = { ok: true } | { ok: false; error: string };

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

  async send(delivery: LogoutDelivery): Promise<SendResult> {
    const token = await this.tokens.sign({
      clientId: delivery.clientId,
      sub: delivery.sub,
      sid: delivery.sid,
    });
    try {
      await this.fetcher.postForm(
        new URL(delivery.uri),
        new URLSearchParams({ logout_token: token }),
        {
          maxBytes: MAX_ANSWER_BYTES,
          timeoutMs: this.logout.timeoutMs,
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
      return { ok: false, error: error.message };
    }
  }
}
