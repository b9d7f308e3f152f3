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

  /** Gives the row up for good: its dead-letter state. */
  deadLetter(deliveryId: string, owner: string, now: Date, error: string): Promise<boolean>;
}
