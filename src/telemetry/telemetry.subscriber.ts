import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ChallengeIssued,
  ChallengeRedeemed,
  ChallengeRejected,
  ChallengeSpent,
} from '../challenges/challenge.events';
import { ChallengeFiguresRecorder } from '../compare/figures/challenge-figures.recorder';
import {
  AuthorizationRequested,
  UnprotectedCodeIssued,
} from '../oauth/authorize/authorization.events';
import { TokenRequestCompleted } from '../oauth/token/token.events';
import {
  LogoutDeliveriesDropped,
  LogoutDeliveryAttempted,
} from '../sessions/logout/backchannel-logout.events';
import { Clock } from '../platform/clock/clock';
import { SecurityEventDetected } from '../platform/events/domain-events';
import { DatabaseReachabilityChanged } from '../platform/database/database.events';
import { RateLimitRefused } from '../platform/rate-limit/rate-limit.events';
import { GrantOpened, GrantRevoked } from '../tokens/grants/grant.events';
import { SigningKeyService } from '../tokens/signing-keys/signing-key.service';
import { MODEL_OF_KIND, PROOFS } from '../proof-registry';
import { ProofVerified } from '../proofs/proof.events';
import { MetricsService } from './metrics.service';
import { SecurityEventLog } from './security-events/security-event.log';
import { MailDeliveryAttempted, MailQueued } from '../mail/mail.events';
import { AdminActionRecorded, AdminCallRefused } from '../platform/events/admin.events';
import { CibaNotificationAttempted } from '../oauth/ciba/notifications/ciba-notifications.events';
import {
  SsfBacklogRead,
  SsfDeliveriesSettled,
  SsfEventsQueued,
  type SetStream,
} from '../signals/signals.events';

/** Reason labels are a closed vocabulary; anything else is `other` (bounded metric labels). */
const REASON = /^[a-z][a-z0-9_]{0,39}$/;
/** Rate-limit rule names are code constants; the check only keeps a mistake from exploding. */
const RULE = /^[a-z][a-z0-9_-]{0,39}$/;
/** Admin action labels are code constants (`clients.create`); the check bounds a mistake. */
const ACTION = /^[a-z][a-z_]{0,30}\.[a-z][a-z_]{0,30}$/;
const actionLabel = (action: string) => (ACTION.test(action) ? action : 'other');
/** Client labels are configured client ids or `registered` (see clientLabel); else `other`. */
const CLIENT = /^[\x21-\x7e]{1,100}$/;

/** A SET's stream as labels: its receiver (an operator-registered client) and its random id. */
function streamLabels(stream: SetStream): { client: string; stream: string } {
  return {
    client: CLIENT.test(stream.receiver) ? stream.receiver : 'other',
    stream: CLIENT.test(stream.streamId) ? stream.streamId : 'other',
  };
}

/**
 * The one place that listens to what the protocols report and turns it into Prometheus metrics,
 * the comparison figures and the security-event audit log. Protocol code knows none of these.
 * Listeners are synchronous and in memory, except the audit log, which the emitter awaits.
 */
@Injectable()
export class TelemetrySubscriber {
  private readonly logger = new Logger(TelemetrySubscriber.name);

  constructor(
    private readonly metrics: MetricsService,
    private readonly figures: ChallengeFiguresRecorder,
    private readonly securityEvents: SecurityEventLog,
    private readonly clock: Clock,
    signingKeys: SigningKeyService,
  ) {
    metrics.observeSigningKey(() => signingKeys.activeKeyCreatedAt);
  }

  @OnEvent(ChallengeIssued.type)
  challengeIssued(event: ChallengeIssued): void {
    const model = MODEL_OF_KIND[event.kind];
    this.metrics.challengesIssued.inc({ model });
    for (const name of PROOFS[model].metrics?.issued ?? []) {
      this.metrics.proofSeries.issued[name].inc();
    }
    this.figures.issued(model, event.createdAt, event.expiresAt);
  }

  @OnEvent(ChallengeRedeemed.type)
  challengeRedeemed(event: ChallengeRedeemed): void {
    const model = MODEL_OF_KIND[event.kind];
    const latencySeconds = (event.redeemedAt.getTime() - event.createdAt.getTime()) / 1000;
    this.metrics.challengesRedeemed.inc({ model });
    this.metrics.redemptionLatency.observe({ model }, Math.max(0, latencySeconds));
    this.figures.redeemed(model, event.createdAt, event.expiresAt, event.redeemedAt);
  }

  @OnEvent(ChallengeSpent.type)
  challengeSpent(event: ChallengeSpent): void {
    this.figures.spent(MODEL_OF_KIND[event.kind], event.expiresAt, event.spentAt);
  }

  @OnEvent(ChallengeRejected.type)
  challengeRejected(event: ChallengeRejected): void {
    const model = MODEL_OF_KIND[event.kind];
    const reason = REASON.test(event.reason) ? event.reason : 'other';
    this.metrics.challengesRejected.inc({ model, reason });
    const refused = PROOFS[model].metrics?.refused;
    if (refused?.reasons.includes(reason)) {
      const client =
        event.client === undefined ? 'unknown' : CLIENT.test(event.client) ? event.client : 'other';
      this.metrics.proofSeries.refused[refused.counter].inc({ reason, client });
    }
    this.figures.rejected(model, reason, this.clock.now());
  }

  @OnEvent(AuthorizationRequested.type)
  authorizationRequested(event: AuthorizationRequested): void {
    this.metrics.codeChallengeMethods.inc({ method: event.challengeMethod });
    this.metrics.authorizationRequests.inc({ outcome: event.outcome, error: event.error });
  }

  /** A client whose codes nothing protects against injection, for the operator to see. */
  @OnEvent(UnprotectedCodeIssued.type)
  unprotectedCodeIssued(event: UnprotectedCodeIssued): void {
    this.metrics.unprotectedCodes.inc({
      client: CLIENT.test(event.client) ? event.client : 'other',
    });
  }

  @OnEvent(TokenRequestCompleted.type)
  tokenRequestCompleted(event: TokenRequestCompleted): void {
    this.metrics.tokenRequests.inc({ grant_type: event.grantType, outcome: event.outcome });
    this.metrics.tokenDuration.observe({ grant_type: event.grantType }, event.seconds);
  }

  /**
   * The models' proofs side by side: one pair of series, the model a label (SLOs by model), and
   * the series the proof's descriptor names besides (a wallet's verifications).
   */
  @OnEvent(ProofVerified.type)
  proofVerified(event: ProofVerified): void {
    const { proof: model, outcome, seconds } = event;
    this.metrics.challengeVerifications.inc({ model, outcome });
    this.metrics.challengeVerificationDuration.observe({ model }, seconds);
    for (const series of PROOFS[model].metrics?.verified ?? []) {
      this.metrics.proofSeries.verified[series.counter].inc({ outcome });
      this.metrics.proofSeries.verifiedDuration[series.duration].observe(seconds);
    }
  }

  @OnEvent(RateLimitRefused.type)
  rateLimitRefused(event: RateLimitRefused): void {
    this.metrics.rateLimited.inc({ rule: RULE.test(event.rule) ? event.rule : 'other' });
  }

  @OnEvent(DatabaseReachabilityChanged.type)
  databaseReachabilityChanged(event: DatabaseReachabilityChanged): void {
    this.metrics.databaseUp.set(event.reachable ? 1 : 0);
  }

  @OnEvent(GrantOpened.type)
  grantOpened(event: GrantOpened): void {
    this.metrics.grantsOpened.inc({ auth_method: event.authMethod });
  }

  @OnEvent(LogoutDeliveryAttempted.type)
  logoutDeliveryAttempted(event: LogoutDeliveryAttempted): void {
    this.metrics.backchannelLogoutDeliveries.inc({ outcome: event.outcome, lane: event.lane });
  }

  @OnEvent(CibaNotificationAttempted.type)
  cibaNotificationAttempted(event: CibaNotificationAttempted): void {
    this.metrics.cibaNotifications.inc({ kind: event.kind, outcome: event.outcome });
  }

  @OnEvent(SsfEventsQueued.type)
  ssfEventsQueued(event: SsfEventsQueued): void {
    for (const stream of event.streams) this.metrics.ssfSetsQueued.inc(streamLabels(stream));
  }

  @OnEvent(SsfDeliveriesSettled.type)
  ssfDeliveriesSettled(event: SsfDeliveriesSettled): void {
    this.metrics.ssfDeliveries.inc(
      { ...streamLabels(event.stream), outcome: event.outcome },
      event.count,
    );
  }

  /** Each read replaces the last: a stream that waits for nothing (or is gone) has no series. */
  @OnEvent(SsfBacklogRead.type)
  ssfBacklogRead(event: SsfBacklogRead): void {
    this.metrics.ssfStreamPending.reset();
    this.metrics.ssfStreamLag.reset();
    for (const stream of event.streams) {
      this.metrics.ssfStreamPending.set(streamLabels(stream), stream.pending);
      this.metrics.ssfStreamLag.set(streamLabels(stream), stream.lagSeconds);
    }
  }

  @OnEvent(MailQueued.type)
  mailQueued(event: MailQueued): void {
    this.metrics.mailQueued.inc({ purpose: event.purpose });
  }

  @OnEvent(MailDeliveryAttempted.type)
  mailDeliveryAttempted(event: MailDeliveryAttempted): void {
    this.metrics.mailDeliveries.inc({ purpose: event.purpose, outcome: event.outcome });
  }

  @OnEvent(LogoutDeliveriesDropped.type)
  logoutDeliveriesDropped(event: LogoutDeliveriesDropped): void {
    // Only a self-registered client's pending tokens are ever dropped (its cap).
    this.metrics.backchannelLogoutDeliveries.inc(
      { outcome: 'dropped', lane: 'self_registered' },
      event.count,
    );
  }

  @OnEvent(AdminActionRecorded.type)
  adminAction(event: AdminActionRecorded): void {
    this.metrics.adminActions.inc({ action: actionLabel(event.action), outcome: event.outcome });
  }

  @OnEvent(AdminCallRefused.type)
  adminCallRefused(event: AdminCallRefused): void {
    this.metrics.adminActions.inc({ action: actionLabel(event.action), outcome: event.outcome });
  }

  @OnEvent(GrantRevoked.type)
  grantRevoked(event: GrantRevoked): void {
    const reason = REASON.test(event.reason) ? event.reason : 'other';
    this.metrics.grantsRevoked.inc({ reason });
    if (reason === 'authorization_code_replay') this.metrics.codeReuse.inc();
    if (reason === 'refresh_token_reuse') this.metrics.refreshTokenReuse.inc();
  }

  /** Awaited by the emitter: the attack is on record before the refusal is answered. */
  @OnEvent(SecurityEventDetected.type, { async: false, promisify: true, suppressErrors: false })
  async securityEvent(event: SecurityEventDetected): Promise<void> {
    try {
      await this.securityEvents.record(event.name, event.details);
    } catch (error) {
      this.logger.error(`Security event ${event.name} not recorded: ${(error as Error).message}`);
      throw error;
    }
  }
}
