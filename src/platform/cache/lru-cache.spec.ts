import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('never holds more than its bound', () => {
    const cache = new LruCache<number, number>(3);
    for (let i = 0; i < 10; i++) cache.set(i, i);
    expect(cache.size).toBe(3);
    expect([7, 8, 9].map((i) => cache.get(i))).toEqual([7, 8, 9]);
    expect(cache.get(6)).toBeUndefined();
  });

  it('makes room by dropping the entry read or written least recently', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('replaces the value of a key written again', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('forgets a deleted key, and keeps the others', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.delete('a');
    expect([cache.get('a'), cache.get('b'), cache.size]).toEqual([undefined, 2, 1]);
  });
});
