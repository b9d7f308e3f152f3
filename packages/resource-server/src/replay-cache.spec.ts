import { ReplayCache } from './replay-cache';

describe('ReplayCache (RFC 9449 §11.1)', () => {
  it('accepts a key once within its lifetime, and again once it has expired', () => {
    const cache = new ReplayCache(10);
    expect(cache.recordOnce('a', 1_000, 500)).toBe(true);
    expect(cache.recordOnce('a', 1_499, 500)).toBe(false);
    expect(cache.recordOnce('a', 1_500, 500)).toBe(true);
  });

  it('never holds more than its capacity: the oldest entry goes first', () => {
    const cache = new ReplayCache(2);
    cache.recordOnce('a', 0, 1_000);
    cache.recordOnce('b', 1, 1_000);
    cache.recordOnce('c', 2, 1_000);
    expect(cache.size).toBe(2);
    // `a` was evicted; `b` and `c` are still remembered.
    expect(cache.recordOnce('c', 3, 1_000)).toBe(false);
    expect(cache.recordOnce('b', 3, 1_000)).toBe(false);
  });

  it('drops expired entries before evicting live ones', () => {
    const cache = new ReplayCache(2);
    cache.recordOnce('old', 0, 10);
    cache.recordOnce('live', 5, 1_000);
    cache.recordOnce('new', 20, 1_000);
    expect(cache.recordOnce('live', 21, 1_000)).toBe(false);
    expect(cache.size).toBe(2);
  });
});
