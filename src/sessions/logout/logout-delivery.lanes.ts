import type { LogoutConfig } from '../../config/sections/logout.config';
import type { DeliveryLane } from './logout-delivery';

/**
 * The scheduling rules of the back-channel logout outbox that are not a query: how many attempts
 * each lane runs, an attempt's time limit, and the self-registered lane's circuit breaker. The
 * rules that are (first attempts before retries, one attempt at a time per self-registered client
 * and per host, a host in backoff left alone) live in LogoutDeliveryRepository.claimDue.
 */

/**
 * Attempts one instance runs at once, per lane. The operator's lane is never held by a
 * self-registered client's URI, whatever those do (docs/OAUTH.md, "Logout").
 */
export const LANE_WORKERS: Readonly<Record<DeliveryLane, number>> = {
  operator: 4,
  self_registered: 4,
};

/** A self-registered lane's attempt at a host whose latest attempt timed out. */
export const SUSPECT_HOST_TIMEOUT_MS = 1_000;
/** How long a host is left alone after a timed-out attempt; doubles with each one in a row. */
export const FIRST_HOST_BACKOFF_MS = 30_000;
export const MAX_HOST_BACKOFF_MS = 10 * 60 * 1000;

/**
 * The time limit of an attempt in `lane` at a host in its usual state. A self-registered client's
 * is never longer than an operator's client's, whatever the two settings say.
 */
export function laneTimeoutMs(lane: DeliveryLane, config: LogoutConfig): number {
  return lane === 'operator'
    ? config.timeoutMs
    : Math.min(config.selfRegisteredTimeoutMs, config.timeoutMs);
}

/**
 * The time limit of one attempt. In the self-registered lane, a host whose latest attempt timed
 * out (`hostTimeouts` in a row) gets SUSPECT_HOST_TIMEOUT_MS: a tarpit holds a worker for a
 * second, not for the lane's time limit. The operator's relying parties keep theirs: one that is
 * slow is still the operator's, and must still be reached.
 */
export function attemptTimeoutMs(
  lane: DeliveryLane,
  config: LogoutConfig,
  hostTimeouts: number,
): number {
  const timeout = laneTimeoutMs(lane, config);
  return lane === 'self_registered' && hostTimeouts > 0
    ? Math.min(timeout, SUSPECT_HOST_TIMEOUT_MS)
    : timeout;
}

/** The backoff after the `timeouts`-th timed-out attempt in a row at one host. */
export function hostBackoffMs(timeouts: number): number {
  return Math.min(
    MAX_HOST_BACKOFF_MS,
    FIRST_HOST_BACKOFF_MS * 2 ** Math.max(0, Math.min(timeouts - 1, 20)),
  );
}

/** What the self-registered lane knows of a host: its circuit breaker. */
export interface HostState {
  /** Timed-out attempts in a row (0: the host answered its latest attempt, or failed fast). */
  readonly timeouts: number;
  /** No attempt at the host before this (absent: none pending). */
  readonly backoffUntil?: Date;
}

/**
 * The host's state after an attempt: a timeout opens the breaker (a backoff during which none of
 * the host's deliveries is attempted, then attempts with the short time limit); anything else,
 * an answer or a fast failure, closes it. A fast failure holds no worker, so it needs no breaker.
 */
export function hostAfterAttempt(
  previousTimeouts: number,
  timedOut: boolean,
  now: Date,
): HostState {
  if (!timedOut) return { timeouts: 0 };
  const timeouts = previousTimeouts + 1;
  return { timeouts, backoffUntil: new Date(now.getTime() + hostBackoffMs(timeouts)) };
}
