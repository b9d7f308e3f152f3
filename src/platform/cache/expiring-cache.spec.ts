import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  it('answers until the expiry time, then forgets', () => {
    const cache = new ExpiringCache<string, number>(10);
    cache.set('a', 1, 1000);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('makes room by dropping the oldest write', () => {
    const cache = new ExpiringCache<string, number>(2);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    cache.set('a', 3, 1000);
    cache.set('c', 4, 1000);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([3, undefined, 4]);
  });
});
