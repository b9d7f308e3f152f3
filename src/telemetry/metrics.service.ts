import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type {
  IssuedCounter,
  ProofMetrics,
  RefusedCounter,
  VerifiedSeries,
} from '../proofs/proof-descriptor';
import { ALL_MODEL_IDS, AUTH_METHODS, MODEL_IDS } from '../proofs/proof-vocabulary';
import { PROOFS } from '../proof-registry';
import { wordList } from '../platform/text/word-list';
import type { MailOutcome } from '../mail/mail';
import {
  instanceMetrics,
  isClusterWorker,
  shareWithPrimary,
} from '../platform/cluster/instance-metrics';

/** `A, B and C`: the short labels of the proofs whose descriptor says they feed a series. */
function feeding(feeds: (metrics: ProofMetrics) => boolean): string {
  const labels = Object.values(PROOFS)
    .filter((proof) => proof.metrics !== undefined && feeds(proof.metrics))
    .map((proof) => proof.shortLabel);
  return wordList(labels, 'and');
}

let processRegistry: Registry | undefined;

/**
 * The process's series (CPU, memory, event loop lag, garbage collection: prom-client's defaults),
 * collected once per process. Collecting them starts a garbage-collection observer and an event
 * loop delay timer that nothing stops: collected per app instance, each closed app's kept running
 * and kept the app reachable (the e2e workers start ~250 apps each). Under jest "once" is once per
 * suite (each has a module registry of its own): test/setup/suite-observers.js stops them after it.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'proofgate_' });
  }
  return processRegistry;
}

/**
 * The Prometheus metrics an operator alerts on. Labels are bounded enumerations (model, grant
 * type, outcome, error code, reason): never an address, code, client-supplied string or token.
 * One registry per application instance, so several apps in one process stay apart; the
 * process's own series (processMetrics) are the same in each.
 */
@Injectable()
export class MetricsService {
  /** This instance's series. */
  private readonly own = new Registry();
  /** This process's series: the instance's own, then the process's. */
  readonly registry: Registry;

  /**
   * What GET /metrics serves, in the Prometheus text format: this process's series, or in a worker
   * of a WORKERS instance, every worker's summed (src/platform/cluster): an instance is one target.
   */
  exposition(): Promise<string> {
    return isClusterWorker() ? instanceMetrics() : this.registry.metrics();
  }

  /** A counter of this instance's; `labelNames` bounded enumerations only. */
  private counter<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.own] });
  }

  /** A histogram of this instance's; `buckets` in seconds. */
  private histogram<L extends string = string>(
    name: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.own] });
  }

  readonly authorizationRequests = this.counter(
    'proofgate_authorization_requests_total',
    'GET /authorize requests by outcome (code_issued, login_required, consent_required, error_redirect, error_page) and error code',
    ['outcome', 'error'],
  );

  readonly codeChallengeMethods = this.counter(
    'proofgate_code_challenge_methods_total',
    'code_challenge_method values requested at /authorize (S256, plain, none, other)',
    ['method'],
  );

  readonly unprotectedCodes = this.counter(
    'proofgate_codes_without_pkce_or_nonce_total',
    'Authorization codes issued for a request with neither PKCE nor nonce (a require_pkce false client), by client (a configured client id, else "registered")',
    ['client'],
  );

  readonly adminActions = this.counter(
    'proofgate_admin_actions_total',
    'Administrative writes (admin API and proofgate-admin on this instance) by action and outcome (done, refused, failed), and admin API calls refused before they did anything (unauthorized, forbidden, rate_limited)',
    ['action', 'outcome'],
  );

  readonly tokenRequests = this.counter(
    'proofgate_token_requests_total',
    'POST /token requests by grant type and outcome (success or the error code)',
    ['grant_type', 'outcome'],
  );

  readonly tokenDuration = this.histogram(
    'proofgate_token_request_duration_seconds',
    'POST /token latency by grant type',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ['grant_type'],
  );

  readonly pkceFailures = this.counter(
    'proofgate_pkce_failures_total',
    'Rejected PKCE proofs by reason and client (a configured client id, else "registered")',
    ['reason', 'client'],
  );

  readonly codeReuse = this.counter(
    'proofgate_authorization_code_reuse_total',
    'Authorization codes presented again after redemption (their grant is revoked)',
  );

  readonly refreshTokenReuse = this.counter(
    'proofgate_refresh_token_reuse_total',
    'Rotated refresh tokens reused outside the grace window (their family is revoked)',
  );

  readonly walletNonces = this.counter(
    'proofgate_wallet_nonces_issued_total',
    // The help texts name the proofs from their descriptors (the series' names never change).
    `${feeding((m) => m.issued?.includes('proofgate_wallet_nonces_issued_total') === true)} nonces issued`,
  );

  readonly walletVerifications = this.counter(
    'proofgate_wallet_verifications_total',
    `Wallet verifications, ${feeding((m) => m.verified !== undefined)} (POST /wallet/verify, POST /login/siwe) by outcome (success or the error code)`,
    ['outcome'],
  );

  readonly walletVerifyDuration = this.histogram(
    'proofgate_wallet_verify_duration_seconds',
    `Wallet verification latency, ${feeding((m) => m.verified !== undefined)} (POST /wallet/verify, POST /login/siwe)`,
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );

  readonly challengesIssued = this.counter(
    'proofgate_challenges_issued_total',
    `Challenges issued by model (${ALL_MODEL_IDS.map((id) => `${id}: ${PROOFS[id].label}`).join(', ')})`,
    ['model'],
  );

  readonly challengesRedeemed = this.counter(
    'proofgate_challenges_redeemed_total',
    'Challenges redeemed (consumed) by model',
    ['model'],
  );

  readonly challengesRejected = this.counter(
    'proofgate_challenges_rejected_total',
    'Challenge redemptions or requests rejected, by model and reason',
    ['model', 'reason'],
  );

  readonly redemptionLatency = this.histogram(
    'proofgate_challenge_redemption_latency_seconds',
    'Time from issuing a challenge to its redemption, by model',
    [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    ['model'],
  );

  /**
   * The proof of every login model, side by side: an SLO's events. pkce: the code exchange
   * (POST /token, authorization_code), siwe: the signature check (POST /wallet/verify, POST
   * /login/siwe); a new model feeds the same two series with its own `model` value.
   */
  readonly challengeVerifications = this.counter(
    'proofgate_challenge_verifications_total',
    'Proofs of a challenge checked, by model and outcome (success or the error code answered)',
    ['model', 'outcome'],
  );

  // 0.2: the operations guide's p95 target for the token exchange; 0.5: the latency SLO.
  readonly challengeVerificationDuration = this.histogram(
    'proofgate_challenge_verification_duration_seconds',
    'Time to answer a proof of a challenge, by model',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
    ['model'],
  );

  readonly backchannelLogoutDeliveries = this.counter(
    'proofgate_backchannel_logout_deliveries_total',
    'Back-channel logout token deliveries by outcome: delivered, retrying (an attempt failed, another is due), failed (given up after BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS), dropped (the oldest of more than BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING waiting for one self-registered client); lane: operator (clients in OAUTH_CLIENTS) or self_registered',
    ['outcome', 'lane'],
  );

  readonly cibaNotifications = this.counter(
    'proofgate_ciba_notifications_total',
    'CIBA outbox attempts by kind (ping: to a ping client; announce: a new request worked into what follows; notify: to CIBA_NOTIFY_URL) and outcome: delivered, retrying, dead (given up when its request expired)',
    ['kind', 'outcome'],
  );

  readonly mailQueued = this.counter(
    'proofgate_mail_queued_total',
    'Mail queued in the outbox, by purpose (email_code: an email sign-in or link code; ciba_request: a backchannel request told to its person)',
    ['purpose'],
  );

  readonly mailDeliveries = this.counter(
    'proofgate_mail_deliveries_total',
    'Attempts to send a mail from the outbox, by purpose and outcome: sent, retrying (it failed, another attempt is due), refused (the SMTP server refused every recipient for good: a mistyped address), dead (dead-lettered: the mail refused for good by the SMTP server, or still unsent when it was no use any more)',
    ['purpose', 'outcome'],
  );

  // Shared Signals (issue #80): per stream, `client` its receiver (an operator-registered client)
  // and `stream` its id, both bounded by SSF_MAX_STREAMS_PER_RECEIVER.
  readonly ssfSetsQueued = this.counter(
    'proofgate_ssf_sets_queued_total',
    'Security Event Tokens queued in the ssf_events outbox, by receiver client and stream',
    ['client', 'stream'],
  );

  readonly ssfDeliveries = this.counter(
    'proofgate_ssf_deliveries_total',
    'Security Event Tokens settled, by receiver client, stream and outcome: delivered (pushed and accepted, or acknowledged by a poll), retrying (a push failed, another attempt is due), given_up (the receiver refused it: a push answered 400, or setErrs)',
    ['client', 'stream', 'outcome'],
  );

  readonly ssfStreamPending = new Gauge({
    name: 'proofgate_ssf_stream_pending',
    help: 'Security Event Tokens waiting for their stream (not yet accepted or acknowledged), by receiver client and stream, as read every minute while a stream exists',
    labelNames: ['client', 'stream'],
    registers: [this.own],
    // Read from the database by each worker of an instance: the same figure, not a part of it.
    aggregator: 'max',
  });

  readonly ssfStreamLag = new Gauge({
    name: 'proofgate_ssf_stream_lag_seconds',
    help: 'Age of the oldest Security Event Token waiting for its stream, by receiver client and stream (absent: none waits), as read every minute while a stream exists',
    labelNames: ['client', 'stream'],
    registers: [this.own],
    aggregator: 'max',
  });

  readonly rateLimited = this.counter(
    'proofgate_rate_limited_total',
    'Requests refused with 429 by a rate-limit rule (the rule names a route family, never a key)',
    ['rule'],
  );

  readonly databaseUp = new Gauge({
    name: 'proofgate_database_up',
    help: "1 while the database driver's last heartbeat succeeded, 0 after a failed one",
    registers: [this.own],
    // An instance of several workers is up while every worker's driver is.
    aggregator: 'min',
  });

  /** The series a proof's descriptor names beyond the shared ones (ProofMetrics), by name. */
  readonly proofSeries: {
    readonly issued: Readonly<Record<IssuedCounter, Counter>>;
    readonly verified: Readonly<Record<VerifiedSeries['counter'], Counter<'outcome'>>>;
    readonly verifiedDuration: Readonly<Record<VerifiedSeries['duration'], Histogram>>;
    readonly refused: Readonly<Record<RefusedCounter, Counter<'reason' | 'client'>>>;
  } = {
    issued: { proofgate_wallet_nonces_issued_total: this.walletNonces },
    verified: { proofgate_wallet_verifications_total: this.walletVerifications },
    verifiedDuration: { proofgate_wallet_verify_duration_seconds: this.walletVerifyDuration },
    refused: { proofgate_pkce_failures_total: this.pkceFailures },
  };

  private signingKeyCreatedAt: () => Date | undefined = () => undefined;

  readonly signingKeyCreated = new Gauge({
    name: 'proofgate_signing_key_created_timestamp_seconds',
    help: 'When the signing key this instance signs with was created (Unix seconds)',
    registers: [this.own],
    // Workers that have not all seen a rotation yet: the oldest key still in use.
    aggregator: 'min',
    // Read at each scrape from what the instance already knows: no database read.
    collect: () => {
      const createdAt = this.signingKeyCreatedAt();
      if (createdAt) this.signingKeyCreated.set(createdAt.getTime() / 1000);
    },
  });

  readonly grantsOpened = this.counter(
    'proofgate_grants_opened_total',
    `Grants (refresh-token families) opened, by login method (${AUTH_METHODS.join(', ')})`,
    ['auth_method'],
  );

  readonly grantsRevoked = this.counter(
    'proofgate_grants_revoked_total',
    'Grants revoked, by reason (authorization_code_replay, refresh_token_reuse, revoked_by_client, ...)',
    ['reason'],
  );

  constructor() {
    this.registry = Registry.merge([this.own, processMetrics()]);
    if (isClusterWorker()) shareWithPrimary(this.registry);
    // Every model's series from the start: a ratio over a series that does not exist yet is no
    // value at all, and an outage that fails every proof would otherwise never alert.
    for (const model of MODEL_IDS) {
      this.challengesIssued.inc({ model }, 0);
      this.challengesRedeemed.inc({ model }, 0);
      this.challengeVerifications.inc({ model, outcome: 'success' }, 0);
    }
    // The mail alert's series exists before the first mail does.
    for (const outcome of ['sent', 'dead'] satisfies MailOutcome[]) {
      this.mailDeliveries.inc({ purpose: 'email_code', outcome }, 0);
    }
    this.databaseUp.set(1);
  }

  /** Where each scrape reads the active signing key's creation time. */
  observeSigningKey(createdAt: () => Date | undefined): void {
    this.signingKeyCreatedAt = createdAt;
  }
}
