import { Injectable, Logger } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { InvalidGrant, ProtocolError } from '../../platform/errors/protocol-error';
import { randomToken } from '../../platform/crypto/hashing';
import { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { DomainEvents } from '../../platform/events/domain-events';
import { GrantRevoked } from '../../tokens/grants/grant.events';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { sessionIdOf } from '../session';
import { LoginSessionEnded } from '../session.events';
import { SessionRepository } from '../session.repository';
import { LogoutDeliveriesDropped, LogoutDeliveriesQueued } from './backchannel-logout.events';
import { laneOf, type NewLogoutDelivery } from './logout-delivery';
import type { SessionEnding } from './session-ending';
import { SessionEndingRepository } from './session-ending.repository';
import { LogoutDeliveryRepository } from './logout-delivery.repository';

/** The revocation reason of a grant opened in a session that had begun ending. */
export const SESSION_ENDED = 'session_ended';

/** A login session that ended: whose, and its `sid`. */
export interface EndedSession {
  readonly sub: string;
  readonly sid: string;
}

/** At most this many grants of one session, and sessions of one account, are looked at. */
const MAX_PER_LOGOUT = 1_000;
/**
 * How long the instance that began an ending has to finish it before another may: a few database
 * writes and a client lookup per client. Finishing twice is harmless (the outbox keeps one row
 * per session and client, revoking a revoked grant does nothing): the lease only spares the work.
 */
export const ENDING_LEASE_MS = 30_000;
/** Abandoned endings one sweep finishes at most (the next poll takes the rest). */
const SWEEP_BATCH = 20;

/**
 * What the end of a login session is, however it ended (POST /logout, /end_session, signing out
 * everywhere, an operator disabling the account): every grant the session opened is revoked (its
 * refresh tokens stop, its access tokens fail introspection and /api), and every client that got
 * tokens in it and registered a `backchannel_logout_uri` gets a logout token (OpenID Connect
 * Back-Channel Logout 1.0 §2.5), through the durable outbox that the instances' pollers deliver.
 *
 * The order makes a logout at-least-once from the moment the session is gone (docs/OAUTH.md,
 * "Logout"): (1) the ending is recorded, keyed by the `sid` (SessionEndingRepository.begin);
 * (2) the session is deleted; (3) its grants are read, their clients' logout tokens queued, the
 * grants revoked, and the ending marked finished. An instance that dies after (1) leaves an
 * ending whose lease runs out, and every instance's poller finishes such endings (`sweep`),
 * deleting the session if (2) had not happened yet; one that dies before (1) leaves the session
 * alive and the user's sign-out unanswered, to be tried again. Deleting first, as this did before,
 * lost the logout of a session whose instance died between its deletion and the outbox.
 *
 * A token request racing the end: a code the session issued, redeemed as it ends, opens its grant
 * and then looks for the ending (`refuseIfEnded`), while the ending is recorded before the grants
 * are read; each side writes before it reads, so one of them sees the other and no grant of the
 * session outlives its end.
 */
@Injectable()
export class SessionLogout {
  private readonly logger = new Logger(SessionLogout.name);
  /** This process, as the owner of the endings it begins or claims: random per start. */
  private readonly owner = randomToken(12);

  constructor(
    private readonly grants: GrantRepository,
    private readonly clients: ClientRegistry,
    private readonly sessions: SessionRepository,
    private readonly endings: SessionEndingRepository,
    private readonly outbox: LogoutDeliveryRepository,
    private readonly logout: LogoutConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Ends the sessions with these id hashes (a browser's session cookies), and those each
   * replaced in its browser (StoredSession.replaced, which lists the chain itself: it is not
   * followed further), as the class comment orders it; answers those that existed. With
   * `sameAccountOnly`, a replaced session of another account is left alone: an RP-initiated
   * logout that ends without asking the user ends its own user's sessions, not those another
   * account left in the browser. A session another request is ending already is deleted here all
   * the same (the user asked), and its ending is left to that request or to the sweep.
   */
  async end(
    idHashes: readonly string[],
    reason: string,
    { sameAccountOnly = false }: { sameAccountOnly?: boolean } = {},
  ): Promise<EndedSession[]> {
    const named = [...new Set(idHashes)];
    const ended: EndedSession[] = [];
    const replaced = new Map<string, string>();
    for (const idHash of named) {
      const session = await this.sessions.find(idHash);
      if (!session) continue;
      for (const earlier of session.replaced ?? []) replaced.set(earlier, session.sub);
      ended.push(await this.endFound(idHash, session.sub, reason));
    }
    for (const [idHash, sub] of replaced) {
      if (named.includes(idHash)) continue;
      const session = await this.sessions.find(idHash);
      if (!session || (sameAccountOnly && session.sub !== sub)) continue;
      ended.push(await this.endFound(idHash, session.sub, reason));
    }
    return ended;
  }

  private async endFound(idHash: string, sub: string, reason: string): Promise<EndedSession> {
    const ending: SessionEnding = { sid: sessionIdOf(idHash), sub, idHash, reason };
    const mine = await this.begin(ending);
    await this.sessions.delete(idHash);
    if (mine) await this.finish(ending);
    return { sub, sid: ending.sid };
  }

  /**
   * Ends every login session of `sub` (signing out everywhere, an account disabled), or only
   * those `methodKey` proved (that method removed), as `end` does; resolves to how many sessions
   * there were and how many grants this revoked.
   *
   * Only the sessions listed here are deleted, each after its ending was recorded: deleting every
   * session of the account instead would also take one created after the listing, with no ending
   * (its grants never revoked, its clients never told). Such a session is left alone:
   * - disabling the account or removing a method wrote its flag or dropped the method before this
   *   lists, and a login checks both after writing its session and deletes it when refused
   *   (AccountService.assertMaySignIn); each side writes before it reads, so a racing login's
   *   session is either listed here or deleted by the login itself, never left live;
   * - signing out everywhere ends the sessions that exist when it runs: one created after the
   *   listing is a sign-in made after the request began, and survives it.
   * Listing in batches of MAX_PER_LOGOUT; one that comes back full is followed by another.
   */
  async endAllOf(
    sub: string,
    reason: string,
    methodKey?: string,
  ): Promise<{ sessionsEnded: number; grantsRevoked: number }> {
    let sessionsEnded = 0;
    let grantsRevoked = 0;
    const seen = new Set<string>();
    for (;;) {
      // Listed by method in the query: a page full of other methods' sessions would end the loop
      // before it reached the method's.
      const listed = await this.sessions.listLive(sub, this.clock.now(), MAX_PER_LOGOUT, methodKey);
      const live = listed.filter((session) => !seen.has(session.idHash));
      const recorded: string[] = [];
      const mine: SessionEnding[] = [];
      for (const session of live) {
        seen.add(session.idHash);
        const ending: SessionEnding = {
          sid: sessionIdOf(session.idHash),
          sub,
          idHash: session.idHash,
          reason,
        };
        // Recorded either way: by this call, or by another request ending it already.
        if (await this.begin(ending)) mine.push(ending);
        recorded.push(session.idHash);
      }
      sessionsEnded += await this.sessions.deleteMany(recorded);
      for (const ending of mine) grantsRevoked += await this.finish(ending);
      if (listed.length < MAX_PER_LOGOUT || live.length === 0) break;
    }
    return { sessionsEnded, grantsRevoked };
  }

  /**
   * Finishes endings whose instance died or stalled past its lease (each instance's logout
   * poller calls this); resolves to how many it finished.
   */
  async sweep(): Promise<number> {
    let finished = 0;
    while (finished < SWEEP_BATCH) {
      const now = this.clock.now();
      const ending = await this.endings.claimAbandoned(
        this.owner,
        now,
        new Date(now.getTime() + ENDING_LEASE_MS),
      );
      if (!ending) break;
      this.logger.warn(
        `Finishing the abandoned end of a login session of ${ending.sub} (${ending.reason})`,
      );
      if (ending.idHash !== undefined) await this.sessions.delete(ending.idHash);
      await this.finish(ending);
      finished++;
    }
    return finished;
  }

  /**
   * After a grant `grantId` was opened in the session `sid`: if that session has begun ending,
   * the grant is revoked and the token request refused (see the class comment).
   */
  async refuseIfEnded(sid: string, grantId: string): Promise<void> {
    if (!(await this.endings.hasBegun(sid))) return;
    if (await this.grants.revoke(grantId, SESSION_ENDED, this.clock.now())) {
      this.events.emit(new GrantRevoked(SESSION_ENDED));
    }
    throw new InvalidGrant('The login session this grant was authorized in has ended').because(
      SESSION_ENDED,
    );
  }

  private begin(ending: SessionEnding): Promise<boolean> {
    const now = this.clock.now();
    return this.endings.begin(ending, this.owner, now, new Date(now.getTime() + ENDING_LEASE_MS));
  }

  /** Queues the ended session's logout tokens, revokes its grants, marks the ending finished. */
  private async finish(session: SessionEnding): Promise<number> {
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
          ...(client.idTokenSignedResponseAlg ? { alg: client.idTokenSignedResponseAlg } : {}),
        });
      }
    }
    // Queued before the revocation: were the revocation to fail, the clients still hear of it.
    await this.outbox.enqueue(
      deliveries,
      now,
      new Date(now.getTime() + this.logout.retryForSeconds * 1000),
    );
    await this.capSelfRegistered(deliveries, now);
    const count = await this.grants.revokeAll({ sid: session.sid }, session.reason, now);
    for (let i = 0; i < count; i++) this.events.emit(new GrantRevoked(session.reason));
    // Before the ending is marked finished: a sweep that finishes it again tells it again, and
    // what subscribers write is keyed by the sid (one Security Event Token per session).
    await this.events.emitAndWait(
      new LoginSessionEnded(session.sub, session.sid, session.reason, now),
    );
    await this.endings.finish(session.sid, this.clock.now());
    if (deliveries.length) this.events.emit(new LogoutDeliveriesQueued(deliveries.length));
    this.logger.log(
      `Login session of ${session.sub} ended (${session.reason}): ${count} grant(s) revoked, ${deliveries.length} logout token(s) queued`,
    );
    return count;
  }

  /**
   * A client that registered itself keeps at most BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING
   * logout tokens waiting, its newest: one whose URI never answers (or a user signing out of many
   * sessions of it) cannot pile up deliveries that each hold a worker for an hour of retries.
   * Concurrent logouts may each keep the newest they see: the cap holds to within the logouts
   * queued for that client at the same moment. The operator's clients have no cap.
   */
  private async capSelfRegistered(
    deliveries: readonly NewLogoutDelivery[],
    now: Date,
  ): Promise<void> {
    let dropped = 0;
    for (const { clientId } of deliveries) {
      if (laneOf(clientId) !== 'self_registered') continue;
      dropped += await this.outbox.keepNewest(clientId, this.logout.selfRegisteredMaxPending, now);
    }
    if (dropped > 0) {
      this.logger.warn(`${dropped} logout token(s) of self-registered clients dropped (over cap)`);
      this.events.emit(new LogoutDeliveriesDropped(dropped));
    }
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
}
