import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MODEL_IDS } from '../compare/challenge-model';

/**
 * The Prometheus metrics an operator alerts on. Labels are bounded enumerations (model, grant
 * type, outcome, error code, reason): never an address, code, client-supplied string or token.
 * One registry per application instance, so several apps in one process stay apart.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly authorizationRequests = new Counter({
    name: 'proofgate_authorization_requests_total',
    help: 'GET /authorize requests by outcome (code_issued, login_required, consent_required, error_redirect, error_page) and error code',
    labelNames: ['outcome', 'error'] as const,
    registers: [this.registry],
  });

  readonly codeChallengeMethods = new Counter({
    name: 'proofgate_code_challenge_methods_total',
    help: 'code_challenge_method values requested at /authorize (S256, plain, none, other)',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });

  readonly tokenRequests = new Counter({
    name: 'proofgate_token_requests_total',
    help: 'POST /token requests by grant type and outcome (success or the error code)',
    labelNames: ['grant_type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly tokenDuration = new Histogram({
    name: 'proofgate_token_request_duration_seconds',
    help: 'POST /token latency by grant type',
    labelNames: ['grant_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly pkceFailures = new Counter({
    name: 'proofgate_pkce_failures_total',
    help: 'Rejected PKCE proofs by reason and client (a configured client id, else "registered")',
    labelNames: ['reason', 'client'] as const,
    registers: [this.registry],
  });

  readonly codeReuse = new Counter({
    name: 'proofgate_authorization_code_reuse_total',
    help: 'Authorization codes presented again after redemption (their grant is revoked)',
    registers: [this.registry],
  });

  readonly refreshTokenReuse = new Counter({
    name: 'proofgate_refresh_token_reuse_total',
    help: 'Rotated refresh tokens reused outside the grace window (their family is revoked)',
    registers: [this.registry],
  });

  readonly walletNonces = new Counter({
    name: 'proofgate_wallet_nonces_issued_total',
    help: 'SIWE nonces issued',
    registers: [this.registry],
  });

  readonly walletVerifications = new Counter({
    name: 'proofgate_wallet_verifications_total',
    help: 'Wallet verifications, SIWE and SIWS (POST /wallet/verify, POST /login/siwe) by outcome (success or the error code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly walletVerifyDuration = new Histogram({
    name: 'proofgate_wallet_verify_duration_seconds',
    help: 'Wallet verification latency, SIWE and SIWS (POST /wallet/verify, POST /login/siwe)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly challengesIssued = new Counter({
    name: 'proofgate_challenges_issued_total',
    help: 'Challenges issued by model (pkce: authorization codes, siwe: Ethereum wallet nonces, siws: Solana wallet nonces)',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly challengesRedeemed = new Counter({
    name: 'proofgate_challenges_redeemed_total',
    help: 'Challenges redeemed (consumed) by model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly challengesRejected = new Counter({
    name: 'proofgate_challenges_rejected_total',
    help: 'Challenge redemptions or requests rejected, by model and reason',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });

  readonly redemptionLatency = new Histogram({
    name: 'proofgate_challenge_redemption_latency_seconds',
    help: 'Time from issuing a challenge to its redemption, by model',
    labelNames: ['model'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  /**
   * The proof of every login model, side by side: an SLO's events. pkce: the code exchange
   * (POST /token, authorization_code), siwe: the signature check (POST /wallet/verify, POST
   * /login/siwe); a new model feeds the same two series with its own `model` value.
   */
  readonly challengeVerifications = new Counter({
    name: 'proofgate_challenge_verifications_total',
    help: 'Proofs of a challenge checked, by model and outcome (success or the error code answered)',
    labelNames: ['model', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly challengeVerificationDuration = new Histogram({
    name: 'proofgate_challenge_verification_duration_seconds',
    help: 'Time to answer a proof of a challenge, by model',
    labelNames: ['model'] as const,
    // 0.2: the operations guide's p95 target for the token exchange; 0.5: the latency SLO.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'proofgate_rate_limited_total',
    help: 'Requests refused with 429 by a rate-limit rule (the rule names a route family, never a key)',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });

  readonly databaseUp = new Gauge({
    name: 'proofgate_database_up',
    help: "1 while the database driver's last heartbeat succeeded, 0 after a failed one",
    registers: [this.registry],
  });

  private signingKeyCreatedAt: () => Date | undefined = () => undefined;

  readonly signingKeyCreated = new Gauge({
    name: 'proofgate_signing_key_created_timestamp_seconds',
    help: 'When the signing key this instance signs with was created (Unix seconds)',
    registers: [this.registry],
    // Read at each scrape from what the instance already knows: no database read.
    collect: () => {
      const createdAt = this.signingKeyCreatedAt();
      if (createdAt) this.signingKeyCreated.set(createdAt.getTime() / 1000);
    },
  });

  readonly grantsOpened = new Counter({
    name: 'proofgate_grants_opened_total',
    help: 'Grants (refresh-token families) opened, by login method (password, siwe, siws)',
    labelNames: ['auth_method'] as const,
    registers: [this.registry],
  });

  readonly grantsRevoked = new Counter({
    name: 'proofgate_grants_revoked_total',
    help: 'Grants revoked, by reason (authorization_code_replay, refresh_token_reuse, revoked_by_client, ...)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'proofgate_' });
    // Every model's series from the start: a ratio over a series that does not exist yet is no
    // value at all, and an outage that fails every proof would otherwise never alert.
    for (const model of MODEL_IDS) {
      this.challengesIssued.inc({ model }, 0);
      this.challengesRedeemed.inc({ model }, 0);
      this.challengeVerifications.inc({ model, outcome: 'success' }, 0);
    }
    this.databaseUp.set(1);
  }

  /** Where each scrape reads the active signing key's creation time. */
  observeSigningKey(createdAt: () => Date | undefined): void {
    this.signingKeyCreatedAt = createdAt;
  }
}
