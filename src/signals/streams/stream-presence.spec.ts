import { PresenceCache } from './stream-presence';

describe('PresenceCache (is there any stream?)', () => {
  let now = 0;
  let reads = 0;
  let streams = false;
  const read = () => {
    reads += 1;
    return Promise.resolve(streams);
  };
  beforeEach(() => {
    now = 1_000;
    reads = 0;
    streams = false;
  });

  it('trusts a read for the TTL counted from when it was sent, then reads again', async () => {
    const cache = new PresenceCache(1_000, () => now);
    expect(await cache.read(read)).toBe(false);
    streams = true;
    now = 1_999;
    expect(await cache.read(read)).toBe(false);
    expect(reads).toBe(1);
    now = 2_000;
    expect(await cache.read(read)).toBe(true);
    expect(reads).toBe(2);
  });

  it('forgets its answer at once when told to (this process created a stream)', async () => {
    const cache = new PresenceCache(1_000, () => now);
    expect(await cache.read(read)).toBe(false);
    streams = true;
    cache.forget();
    expect(await cache.read(read)).toBe(true);
    expect(reads).toBe(2);
  });

  it('counts the TTL from the read sent, not answered: a slow read is trusted no longer', async () => {
    const cache = new PresenceCache(1_000, () => now);
    await cache.read(() => {
      now += 900;
      return read();
    });
    now = 2_000;
    await cache.read(read);
    expect(reads).toBe(2);
  });
});
