/** How a row reaches its receiver: pushed by the instances' poller, or held for its poll. */
export type SsfEventMode = 'push' | 'poll';

/**
 * One Security Event Token for one stream, in the `ssf_events` outbox: kept until delivered
 * (push: the receiver answered 200 or 202; poll: it acknowledged the `jti`) or given up at
 * `giveUpAt` (SSF_RETENTION_SECONDS after its cause).
 */
export interface SsfEvent {
  /** The SET's `jti`: derived from its cause and stream (one SET per cause and stream). */
  readonly jti: string;
  readonly streamId: string;
  readonly receiver: string;
  readonly mode: SsfEventMode;
  /** The SET's claims, signed when it is sent. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly giveUpAt: Date;
  /** Attempts started so far (push). */
  readonly attempts: number;
}

/** A SET to queue for one stream, its cause's key naming it. */
export interface NewSsfEvent {
  readonly causeKey: string;
  readonly streamId: string;
  readonly receiver: string;
  readonly mode: SsfEventMode;
  /** The claims but `jti`, which the outbox derives. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** RFC 8936 §2.4 `setErrs`: a SET the receiver refused, and why. */
export interface SetError {
  readonly jti: string;
  readonly err: string;
  readonly description: string;
}
