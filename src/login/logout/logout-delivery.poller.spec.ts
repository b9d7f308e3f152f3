import { MAX_RETRY_DELAY_MS, retryDelayMs } from './logout-delivery.poller';

describe('retryDelayMs: exponential backoff between delivery attempts', () => {
  it('waits the first retry after one failure, then doubles', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(2_000, attempts))).toEqual([
      2_000, 4_000, 8_000, 16_000,
    ]);
  });

  it('never waits more than five minutes, however many attempts failed', () => {
    expect(retryDelayMs(2_000, 9)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(2_000, 1_000)).toBe(MAX_RETRY_DELAY_MS);
  });
});
