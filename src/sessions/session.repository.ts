import type { StoredSession } from './session';

/** Where a page of an account's sessions starts: after this login instant and sid. */
export interface SessionPosition {
  readonly at: Date;
  readonly sid: string;
}

export abstract class SessionRepository {
  abstract create(session: StoredSession): Promise<void>;

  /** The session with this id hash if it has not expired at `now`, whether or not TTL removed it. */
  abstract findLive(idHash: string, now: Date): Promise<StoredSession | null>;

  /** The session with this id hash, live or not (expired, not yet removed), or null. */
  abstract find(idHash: string): Promise<StoredSession | null>;

  abstract delete(idHash: string): Promise<void>;

  /**
   * Deletes the sessions with these id hashes, and no other (SessionLogout.endAllOf deletes only
   * those whose endings it recorded); resolves to how many there were.
   */
  abstract deleteMany(idHashes: readonly string[]): Promise<number>;

  /**
   * The live sessions of `sub` (only those `methodKey` proved, when given), newest login first,
   * at most `limit`.
   */
  /**
   * A page of the live sessions of `sub`: newest login first, those of one instant by `sid`,
   * after `after` only (keyset pagination). At least `limit` when there are as many; possibly
   * more (the whole of the last instant), never out of order.
   */
  abstract pageLive(
    sub: string,
    now: Date,
    page: { readonly after?: SessionPosition; readonly limit: number },
  ): Promise<StoredSession[]>;

  abstract listLive(
    sub: string,
    now: Date,
    limit: number,
    methodKey?: string,
  ): Promise<StoredSession[]>;
}
