import type { SigningAlg } from '../../protocol-rules/signing-algs';
import { isOperatorClientId } from '../../protocol-rules/client-id';

/**
 * One logout token to deliver: one (ended login session, client) pair, OpenID Connect
 * Back-Channel Logout 1.0 §2.5. Kept in a durable outbox until delivered or given up, so that a
 * logout outlives the instance that recorded it.
 */
export interface LogoutDelivery {
  /** Random: the row's key (no other meaning). */
  readonly deliveryId: string;
  readonly clientId: string;
  /** Where the logout token goes: the client's `backchannel_logout_uri` when the session ended. */
  readonly uri: string;
  readonly sub: string;
  /** The ended login session's `sid`. */
  readonly sid: string;
  /** The alg of the client's ID tokens, which its logout token is signed with too (§2.4). */
  readonly alg?: SigningAlg;
  readonly createdAt: Date;
  /** After this, a failure is final (BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS after `createdAt`). */
  readonly giveUpAt: Date;
  /** Attempts started so far (each claim counts one). */
  readonly attempts: number;
}

/**
 * How a delivery ended, or how one attempt went; `dropped`: given up unattempted, one of more
 * than BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING waiting for one self-registered client.
 */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'dropped';

/** The logout tokens to send when a login session ends: one per client with a logout URI. */
export interface NewLogoutDelivery {
  readonly clientId: string;
  readonly uri: string;
  readonly sub: string;
  readonly sid: string;
  /** The client's `id_token_signed_response_alg`, when it registered one. */
  readonly alg?: SigningAlg;
}

/**
 * Which workers attempt a delivery. The operator's relying parties (OAUTH_CLIENTS,
 * `proofgate-admin clients add`) have workers of their own that never take a client's that
 * registered itself (RFC 7591, or a client ID metadata document): anyone may register a
 * `backchannel_logout_uri` that never answers, and such URIs must not delay the operator's.
 */
export type DeliveryLane = 'operator' | 'self_registered';

export const DELIVERY_LANES: readonly DeliveryLane[] = ['operator', 'self_registered'];

export function laneOf(clientId: string): DeliveryLane {
  return isOperatorClientId(clientId) ? 'operator' : 'self_registered';
}

/**
 * The host a delivery goes to, as the per-host rules of the self-registered lane count it: the
 * name without the port (one machine listening on many ports is one host).
 */
export function hostOf(uri: string): string {
  try {
    return new URL(uri).hostname.toLowerCase();
  } catch {
    return '';
  }
}
