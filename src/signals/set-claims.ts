import type { SignalCause } from './signal-causes';
import { issSubOf } from './subject-id';
import { VERIFICATION } from './ssf-events';

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** RFC 8417 §2.2: what every SET of this issuer says first: who issued it, when, and for whom. */
function envelope(issuer: string, audience: string, now: Date): Record<string, unknown> {
  return { iss: issuer, iat: seconds(now), aud: audience };
}

/**
 * RFC 8417 §2.2 and SSF 1.0 §4: a SET's claims but its `jti` (the outbox derives it): this
 * issuer, when it was queued, the stream's audience (its receiver), the account as RFC 9493
 * `iss_sub` in `sub_id` (unless the event names its own subject), and one event with `event_timestamp` (CAEP 1.0 §2) and its members.
 */
export function setClaims(
  issuer: string,
  audience: string,
  cause: SignalCause,
  now: Date,
): Record<string, unknown> {
  return {
    ...envelope(issuer, audience, now),
    sub_id: cause.subject ?? issSubOf(issuer, cause.sub),
    events: { [cause.event]: { event_timestamp: seconds(cause.at), ...cause.members } },
  };
}

/**
 * SSF 1.0 §8.1.4.1: the verification SET of a stream, its subject the stream itself (an `opaque`
 * id), with the receiver's `state` when it gave one.
 */
export function verificationClaims(
  issuer: string,
  audience: string,
  streamId: string,
  state: string | undefined,
  now: Date,
): Record<string, unknown> {
  return {
    ...envelope(issuer, audience, now),
    sub_id: { format: 'opaque', id: streamId },
    events: { [VERIFICATION]: state === undefined ? {} : { state } },
  };
}
