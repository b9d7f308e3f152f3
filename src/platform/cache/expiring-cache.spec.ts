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

describe('ExpiringCache with a weight bound', () => {
  it('drops the oldest writes until a new entry fits the weight, whatever the entry count', () => {
    const cache = new ExpiringCache<string, number>(10, 100);
    cache.set('a', 1, 1000, 40);
    cache.set('b', 2, 1000, 40);
    cache.set('c', 3, 1000, 30);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, 2, 3]);
  });

  it('keeps nothing heavier than the whole bound, and leaves the others in place', () => {
    const cache = new ExpiringCache<string, number>(10, 100);
    cache.set('a', 1, 1000, 60);
    cache.set('huge', 2, 1000, 101);
    expect([cache.get('a', 0), cache.get('huge', 0)]).toEqual([1, undefined]);
  });

  it('gives back the weight of an entry replaced, expired or deleted', () => {
    const cache = new ExpiringCache<string, number>(10, 100);
    cache.set('a', 1, 1000, 60);
    cache.set('a', 2, 1000, 60);
    cache.set('b', 3, 500, 40);
    expect([cache.get('a', 0), cache.get('b', 0)]).toEqual([2, 3]);
    expect(cache.get('b', 500)).toBeUndefined();
    cache.set('c', 4, 1000, 40);
    expect([cache.get('a', 0), cache.get('c', 0)]).toEqual([2, 4]);
    cache.delete('a');
    cache.set('d', 5, 1000, 60);
    expect([cache.get('c', 0), cache.get('d', 0)]).toEqual([4, 5]);
  });
});
