import { mongo } from 'mongoose';

/**
 * A replica set's election under way, as the server answers a write sent to the primary that just
 * stepped down (or is shutting down): NotWritablePrimary, NotPrimaryNoSecondaryOk,
 * NotPrimaryOrSecondary, PrimarySteppedDown, InterruptedAtShutdown,
 * InterruptedDueToReplStateChange, ShutdownInProgress.
 */
const FAILOVER_CODES = new Set([10107, 13435, 13436, 189, 11600, 11602, 91]);

/**
 * Whether the server refused `error`'s command for a failover. The driver retries such a write
 * once when it may (a retryable write); one it may not retry (an updateMany, a raw command) fails
 * with it. The new primary takes writes within seconds: an outage to retry after, never a bug of
 * the request.
 */
export function isFailover(error: unknown): boolean {
  return (
    error instanceof mongo.MongoServerError &&
    (error.hasErrorLabel('RetryableWriteError') ||
      (typeof error.code === 'number' && FAILOVER_CODES.has(error.code)))
  );
}

/**
 * A write cut by a failover or a lost connection: it may have been applied, in part or whole, or
 * not at all. The driver retries a retryable write once after it; whoever sends one the driver
 * does not retry decides what to do again, and must do it so that doing it twice is harmless.
 */
export function isInterruptedWrite(error: unknown): boolean {
  return (
    error instanceof mongo.MongoNetworkError ||
    isFailover(error) ||
    (error instanceof mongo.MongoError && error.hasErrorLabel('RetryableWriteError'))
  );
}
