import type { Stream, StreamStatus, StreamSubject } from './stream';

/** The receivers' streams and the subjects added to them (issue #80). */
export abstract class StreamRepository {
  /**
   * Records `stream` unless its receiver already has `max` streams; false then. Two creations
   * racing past the count may both land: the bound holds to within them.
   */
  abstract create(stream: Stream, max: number): Promise<boolean>;

  /** The stream `streamId` of `receiver`, or null (none, or another receiver's). */
  abstract find(receiver: string, streamId: string): Promise<Stream | null>;

  /**
   * Every receiver's streams, oldest first (creation time, then id), after `after`: at most
   * `limit` (an operator's list).
   */
  abstract page(after: { at: Date; id: string } | undefined, limit: number): Promise<Stream[]>;

  /** Every stream of `receiver`, oldest first. */
  abstract list(receiver: string): Promise<Stream[]>;

  /** Replaces the stream's settings (its id, receiver and status stay); false when gone. */
  abstract save(stream: Stream): Promise<boolean>;

  abstract setStatus(
    receiver: string,
    streamId: string,
    status: StreamStatus,
    reason: string | undefined,
    now: Date,
  ): Promise<Stream | null>;

  /** Deletes the stream and its subjects; false when it was not `receiver`'s. */
  abstract delete(receiver: string, streamId: string): Promise<boolean>;

  /** Adds a subject (again: nothing changes); false when the stream already has `max`. */
  abstract addSubject(streamId: string, subject: StreamSubject, max: number): Promise<boolean>;

  abstract removeSubject(streamId: string, key: string): Promise<void>;

  /** Whether any stream exists, of any receiver and status: one read of at most one id. */
  abstract any(): Promise<boolean>;

  /** The delivery methods the streams use, of any receiver and status: one read, none when none. */
  abstract deliveryMethods(): Promise<string[]>;

  /**
   * The streams not disabled that deliver `event` and cover the account `sub`: default_subjects
   * ALL, or `sub` added to them. Read for each cause, to queue its SETs: without the push
   * `authorizationHeader`, which a push reads with its stream, so none is opened here.
   */
  abstract covering(event: string, sub: string): Promise<Stream[]>;

  /**
   * Takes the push stream `streamId` for one attempt by `owner` until `leaseUntil` if it is
   * enabled and nobody holds it: one conditional update; false when not.
   */
  abstract hold(streamId: string, owner: string, now: Date, leaseUntil: Date): Promise<boolean>;

  /** Gives the stream back, if `owner` still holds it. */
  abstract release(streamId: string, owner: string, now: Date): Promise<void>;

  /** The streams no push attempt may start on now: held, or not enabled. */
  abstract unavailable(now: Date): Promise<string[]>;
}
