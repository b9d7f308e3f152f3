// What the device grant (RFC 8628) and CIBA's poll mode (CIBA Core §7.3) share, below both of
// them and the token endpoint that redeems them: the state a client polls, and its timings.

/** RFC 8628 §3.5: how much longer a client must wait after each `slow_down`. */
export const SLOW_DOWN_STEP_SECONDS = 5;

/**
 * How long a polled key (a device code, a CIBA `auth_req_id`) is remembered after it expires, so
 * a late poll is answered `expired_token` (RFC 8628 §3.5; CIBA Core §11), the client's sign to
 * start over, and not `invalid_grant`, a fault, once the TTL monitor has run (every 60 s): ten
 * minutes, beyond any interval a client is told and a laptop's short sleep.
 */
export const POLLED_KEY_MEMORY_SECONDS = 600;

/**
 * The state of an authorization a client polls for while a person answers elsewhere (RFC 8628
 * §3.5 device codes; CIBA Core §7.3 poll mode): changed by compare-and-set only, so concurrent
 * polls and the person's answer never overwrite one another.
 */
export interface PolledAuthorizationState {
  status: 'pending' | 'approved' | 'denied';
  /** `interval`, whole seconds; grows by 5 with each `slow_down`. */
  interval: number;
  /** The earliest time the next poll is in time: the last poll plus `interval`. */
  pollableAt: Date;
}
