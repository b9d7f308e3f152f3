/**
 * What the holder of an outbox row's lease records after its attempt. Each call changes the row
 * only if it is still pending and `owner` still holds its lease (one conditional update), and
 * resolves to whether it did: an instance whose lease ran out (another instance claimed the row
 * since) changes nothing.
 */
export interface OutboxLeases {
  /** Marks the row done (delivered, sent). */
  complete(deliveryId: string, owner: string, now: Date): Promise<boolean>;

  /** Releases the lease and makes the row due again at `retryAt`. */
  scheduleRetry(deliveryId: string, owner: string, retryAt: Date, error: string): Promise<boolean>;

  /**
   * Gives the row up for good: its dead-letter state. `keepPayload`: a row given up before its
   * give-up time keeps its sealed payload until then, so that an operator may retry it.
   */
  deadLetter(
    deliveryId: string,
    owner: string,
    now: Date,
    error: string,
    keepPayload?: boolean,
  ): Promise<boolean>;
}
