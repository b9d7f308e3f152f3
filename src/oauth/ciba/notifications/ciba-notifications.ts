import { Injectable } from '@nestjs/common';
import type { StoredChallenge } from '../../../challenges/challenge';
import type { OAuthClient } from '../../../clients/oauth-client';
import { TokenConfig } from '../../../config/sections/tokens.config';
import { Clock } from '../../../platform/clock/clock';
import { randomToken } from '../../../platform/crypto/hashing';
import { DomainEvents } from '../../../platform/events/domain-events';
import type { CibaRequestPayload } from '../ciba-request';
import type { AnnouncedRequest } from './ciba-notification';
import type { SupportedLocale } from '../../../platform/i18n/page-locale';
import { CibaNotificationRepository } from './ciba-notification.repository';
import { CibaNotificationSeal } from './ciba-notification.seal';
import { CibaNotificationsQueued } from './ciba-notifications.events';

/**
 * Where CIBA hands what must leave the server: one insert into the durable CIBA outbox, its
 * content sealed, and this instance's poller woken (CibaNotificationPoller). The request that
 * queued it never waits on a client, an operator's URL or a mail server.
 */
@Injectable()
export class CibaNotifications {
  readonly seal: CibaNotificationSeal;

  constructor(
    private readonly outbox: CibaNotificationRepository,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    tokens: TokenConfig,
  ) {
    this.seal = new CibaNotificationSeal(tokens.keyEncryptionSecret);
  }

  /**
   * A new backchannel request: one row for every request, whether `sub` names an account that
   * may be asked or nobody (the same insert either way, so that the endpoint's work does not
   * tell them apart; the poller drops nobody's). Who is then told is decided off the request.
   */
  async requested(
    client: OAuthClient,
    request: { sub?: string; bindingMessage?: string; locale: SupportedLocale },
    expiresAt: Date,
  ): Promise<void> {
    const deliveryId = randomToken(16);
    const announced: AnnouncedRequest = {
      ...(request.sub === undefined ? {} : { sub: request.sub }),
      clientId: client.clientId,
      clientName: client.name,
      ...(request.bindingMessage === undefined ? {} : { bindingMessage: request.bindingMessage }),
      locale: request.locale,
      expiresAt: Math.floor(expiresAt.getTime() / 1000),
    };
    await this.queue('announce', client.clientId, announced, deliveryId, expiresAt);
  }

  /**
   * The person answered `request` (approved or denied): a ping client is told so (CIBA Core 1.0
   * §10.2), until the request expires; a poll client learns it at its next poll.
   */
  async answered(request: StoredChallenge<CibaRequestPayload>): Promise<void> {
    const sealed = request.payload.ping;
    if (sealed === undefined) return;
    const clientId = request.binding.client_id;
    const ping = this.seal.openPing(sealed, clientId);
    await this.queue('ping', clientId, ping, randomToken(16), request.expiresAt);
  }

  /** The `notify` row of an announcement (its id derived: worked twice, it is queued once). */
  async notify(announcementId: string, announced: AnnouncedRequest): Promise<void> {
    await this.queue(
      'notify',
      announced.clientId,
      announced,
      `${announcementId}.notify`,
      new Date(announced.expiresAt * 1000),
    );
  }

  private async queue(
    kind: 'announce' | 'ping' | 'notify',
    clientId: string,
    content: Parameters<CibaNotificationSeal['sealRow']>[0],
    deliveryId: string,
    giveUpAt: Date,
  ): Promise<void> {
    await this.outbox.enqueue(
      { deliveryId, kind, clientId, sealed: this.seal.sealRow(content, deliveryId), giveUpAt },
      this.clock.now(),
    );
    this.events.emit(new CibaNotificationsQueued());
  }
}
