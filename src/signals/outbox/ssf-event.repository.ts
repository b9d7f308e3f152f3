import type { OutboxLeases } from '../../platform/outbox/outbox-leases';
import type { NewSsfEvent, SetError, SsfEvent, SsfEventMode } from './ssf-event';

/** What waits for one stream. */
export interface StreamBacklog {
  readonly streamId: string;
  readonly receiver: string;
  readonly pending: number;
  readonly oldest: Date;
}

/**
 * The `ssf_events` outbox (MongoOutbox: a lease per push attempt, at least once, nothing relying
 * on transactions or TTL deletion). Rows of a stream are kept in their order (`order`, when their
 * cause queued them): a push stream's head row is attempted before any later one.
 */
export abstract class SsfEventRepository {
  abstract readonly leases: OutboxLeases;

  /**
   * Queues the SETs, due at once, kept until `giveUpAt`; resolves to the `jti`s. Idempotent: the
   * same cause queued again for the same stream is the row already there, whatever its state.
   */
  abstract enqueue(events: readonly NewSsfEvent[], now: Date, giveUpAt: Date): Promise<string[]>;

  /** The stream of the oldest push row due at `now` and not leased, outside `excluded`. */
  abstract dueStream(now: Date, excluded: readonly string[]): Promise<string | null>;

  /** The stream's oldest pending row (its head), or null. */
  abstract head(streamId: string): Promise<SsfEvent | null>;

  /** Leases the row `jti` if it is due and not leased (MongoOutbox.claim); null when not. */
  abstract claim(jti: string, owner: string, now: Date, leaseUntil: Date): Promise<SsfEvent | null>;

  /** Up to `limit` pending rows of the stream not past their give-up time, oldest first. */
  abstract pending(streamId: string, now: Date, limit: number): Promise<SsfEvent[]>;

  /**
   * RFC 8936 §2.4: the acknowledged SETs of the stream are delivered (gone from its polls);
   * resolves to how many were waiting.
   */
  abstract acknowledge(streamId: string, jtis: readonly string[], now: Date): Promise<number>;

  /**
   * RFC 8936 §2.4 `setErrs`: the SETs the receiver refused are given up, with why; resolves to
   * how many were waiting.
   */
  abstract refuse(streamId: string, errors: readonly SetError[], now: Date): Promise<number>;

  /** The stream's pending rows given up (its stream disabled or deleted): none is sent again. */
  abstract dropPending(streamId: string, now: Date, reason: string): Promise<number>;

  /** The stream's pending rows now go by `mode` (its delivery method changed). */
  abstract setMode(streamId: string, mode: SsfEventMode): Promise<void>;

  /**
   * Each stream's pending rows (of `streamIds` only, when given): how many, and when the oldest
   * was queued; a stream with none is absent. One aggregation.
   */
  abstract backlog(streamIds?: readonly string[]): Promise<StreamBacklog[]>;

  /** Pending rows past their give-up time and not leased, given up; resolves to how many. */
  abstract giveUpOverdue(now: Date): Promise<number>;
}
