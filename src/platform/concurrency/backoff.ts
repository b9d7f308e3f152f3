/**
 * The wait after the `attempts`-th failure of a delivery (an outbox's retry): `firstMs`, doubling
 * with each failure, at most `maxMs`. Shared by the outboxes (logout tokens, mail).
 */
export function exponentialBackoffMs(firstMs: number, attempts: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}
