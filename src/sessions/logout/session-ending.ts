/**
 * A login session being ended: recorded (durably, keyed by its `sid`) before the session is
 * deleted, so that the logout it stands for survives the instance that began it. Whoever holds
 * the ending's lease finishes it: revokes the session's grants, queues its logout tokens, and
 * marks it finished. An ending whose lease ran out unfinished (its instance died) is finished by
 * another instance's poller. The record stays after that: a grant opened from a code the session
 * issued before it ended is refused when its `sid` has an ending (see SessionLogout.refuseIfEnded).
 */
export interface SessionEnding {
  /** The session's `sid` (sessionIdOf of its id hash): the record's key. */
  readonly sid: string;
  readonly sub: string;
  /** The session's id hash, while the ending is unfinished: the session to delete. */
  readonly idHash?: string;
  /** Why it ended (the grants' revocation reason: `logged_out`, `rp_initiated_logout`, …). */
  readonly reason: string;
}
