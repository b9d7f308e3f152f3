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
  readonly createdAt: Date;
  /** After this, a failure is final (BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS after `createdAt`). */
  readonly giveUpAt: Date;
  /** Attempts started so far (each claim counts one). */
  readonly attempts: number;
}

/** How a delivery ended, or how one attempt went. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/** The logout tokens to send when a login session ends: one per client with a logout URI. */
export interface NewLogoutDelivery {
  readonly clientId: string;
  readonly uri: string;
  readonly sub: string;
  readonly sid: string;
}
