import { InFlightLimit } from './in-flight-limit';

describe('InFlightLimit', () => {
  it('gives `limit` slots per key, and holds a key only while it has one taken', () => {
    const limit = new InFlightLimit<string>(2);
    const a1 = limit.tryAcquire('a');
    const a2 = limit.tryAcquire('a');
    expect(limit.tryAcquire('a')).toBeUndefined();
    const b1 = limit.tryAcquire('b');
    expect(b1).toBeDefined();
    expect([limit.inFlight('a'), limit.inFlight('b'), limit.size]).toEqual([2, 1, 2]);

    a1?.();
    a1?.(); // a second release gives nothing back twice
    expect(limit.inFlight('a')).toBe(1);
    expect(limit.tryAcquire('a')).toBeDefined();
    expect(limit.tryAcquire('a')).toBeUndefined();
    a2?.();
    b1?.();
    expect(limit.size).toBe(1);
  });

  it('forgets every key once all work is done: nothing grows with the keys seen', () => {
    const limit = new InFlightLimit<number>(1);
    for (let key = 0; key < 10_000; key += 1) limit.tryAcquire(key)?.();
    expect(limit.size).toBe(0);
  });
});
