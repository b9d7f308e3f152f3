import { Injectable, Logger } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { DomainEvents } from '../../platform/events/domain-events';
import { GrantRevoked } from '../../tokens/grants/grant.events';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { sessionIdOf } from '../session';
import { SessionRepository } from '../session.repository';
import { LogoutDeliveriesQueued } from './backchannel-logout.events';
import type { NewLogoutDelivery } from './logout-delivery';
import { LogoutDeliveryRepository } from './logout-delivery.repository';

/** A login session that ended: whose, and its `sid`. */
export interface EndedSession {
  readonly sub: string;
  readonly sid: string;
}

/** At most this many grants of one session, and sessions of one account, are looked at. */
const MAX_PER_LOGOUT = 1_000;

/**
 * What follows the end of a login session, however it ended (POST /logout, /end_session, signing
 * out everywhere, an operator disabling the account): every grant the session opened is revoked
 * (its refresh tokens stop, its access tokens fail introspection and /api), and every client that
 * got tokens in it and registered a `backchannel_logout_uri` gets a logout token (OpenID Connect
 * Back-Channel Logout 1.0 §2.5), through the durable outbox that the instances' pollers deliver.
 */
@Injectable()
export class SessionLogout {
  private readonly logger = new Logger(SessionLogout.name);

  constructor(
    private readonly grants: GrantRepository,
    private readonly clients: ClientRegistry,
    private readonly sessions: SessionRepository,
    private readonly outbox: LogoutDeliveryRepository,
    private readonly logout: LogoutConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /** After `ended` sessions were deleted: queues their logout tokens, revokes their grants. */
  async ended(ended: readonly EndedSession[], reason: string): Promise<number> {
    let revoked = 0;
    for (const session of ended) {
      const now = this.clock.now();
      // Ended grants too: a client whose tokens ran out still holds its own session for the user.
      const grants = await this.grants.list(
        { sid: session.sid },
        { now, includeEnded: true, limit: MAX_PER_LOGOUT },
      );
      const clientIds = [...new Set(grants.map((grant) => grant.clientId))];
      const deliveries: NewLogoutDelivery[] = [];
      for (const clientId of clientIds) {
        const client = await this.clientOf(clientId);
        if (client?.backchannelLogoutUri) {
          deliveries.push({
            clientId,
            uri: client.backchannelLogoutUri,
            sub: session.sub,
            sid: session.sid,
          });
        }
      }
      // Queued before the revocation: were the revocation to fail, the clients still hear of it.
      await this.outbox.enqueue(
        deliveries,
        now,
        new Date(now.getTime() + this.logout.retryForSeconds * 1000),
      );
      const count = await this.grants.revokeAll({ sid: session.sid }, reason, now);
      for (let i = 0; i < count; i++) this.events.emit(new GrantRevoked(reason));
      revoked += count;
      if (deliveries.length) this.events.emit(new LogoutDeliveriesQueued(deliveries.length));
      this.logger.log(
        `Login session of ${session.sub} ended (${reason}): ${count} grant(s) revoked, ${deliveries.length} logout token(s) queued`,
      );
    }
    return revoked;
  }

  /**
   * The client, or null. A lookup that fails (a metadata document's host busy or down) must not
   * make the sign-out fail: the session is already gone. That client is logged and skipped.
   */
  private async clientOf(clientId: string): Promise<OAuthClient | null> {
    try {
      return await this.clients.find(clientId);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.logger.warn(
        `No logout token for client ${clientId}: its metadata could not be read (${error.description})`,
      );
      return null;
    }
  }

  /**
   * Ends every login session of `sub` (signing out everywhere, an account disabled), or only
   * those `methodKey` proved (that method removed), and follows each as `ended` does; resolves
   * to how many sessions there were and how many grants this revoked.
   */
  async endAllOf(
    sub: string,
    reason: string,
    methodKey?: string,
  ): Promise<{ sessionsEnded: number; grantsRevoked: number }> {
    const live = (await this.sessions.listLive(sub, this.clock.now(), MAX_PER_LOGOUT)).filter(
      (session) => methodKey === undefined || session.methodKey === methodKey,
    );
    const sessionsEnded = await this.sessions.deleteAllFor(sub, methodKey);
    const grantsRevoked = await this.ended(
      live.map((session) => ({ sub, sid: sessionIdOf(session.idHash) })),
      reason,
    );
    return { sessionsEnded, grantsRevoked };
  }
}
