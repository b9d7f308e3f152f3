import { lookup } from 'node:dns/promises';
import { TestDnsServer } from '../../../../test/support/dns-server';
import { holdThreadpool } from '../../../../test/support/threadpool';
import { DnsHostResolver, HostResolutionError } from './host-resolver';

describe('DnsHostResolver (c-ares, A and AAAA)', () => {
  const dns = new TestDnsServer(
    {
      'both.test': ['192.0.2.10', '2001:db8::10', '192.0.2.11'],
      'v4.test': ['192.0.2.20'],
      'v6.test': ['2001:db8::30'],
      'empty.test': [],
    },
    (name) => name.endsWith('.blackhole.test'),
  );
  let resolver: DnsHostResolver;

  beforeAll(async () => {
    await dns.start();
    resolver = new DnsHostResolver({ servers: [dns.server], timeoutMs: 200, tries: 1 });
  });
  afterAll(() => dns.stop());

  it('asks the configured server for A and AAAA; IPv4 addresses first', async () => {
    await expect(resolver.resolve('both.test')).resolves.toEqual([
      { address: '192.0.2.10', family: 4 },
      { address: '192.0.2.11', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ]);
    expect(dns.questions.filter((q) => q.name === 'both.test').map((q) => q.type)).toEqual(
      expect.arrayContaining(['A', 'AAAA']),
    );
  });

  it('returns the one family a name has', async () => {
    await expect(resolver.resolve('v4.test')).resolves.toEqual([
      { address: '192.0.2.20', family: 4 },
    ]);
    await expect(resolver.resolve('V6.test')).resolves.toEqual([
      { address: '2001:db8::30', family: 6 },
    ]);
  });

  it('refuses a name that does not exist, or has no address, with the DNS code only', async () => {
    await expect(resolver.resolve('unknown.test')).rejects.toEqual(
      new HostResolutionError('ENOTFOUND'),
    );
    await expect(resolver.resolve('empty.test')).rejects.toBeInstanceOf(HostResolutionError);
  });

  it('gives up on a server that never answers, after its bounded tries', async () => {
    const error = await resolver.resolve('a.blackhole.test').catch((e: unknown) => e);
    expect(error).toEqual(new HostResolutionError('ETIMEOUT'));
    expect(dns.asked('a.blackhole.test')).toBe(2); // tries: 1, for A and for AAAA
  });

  it("answers while every thread of libuv's pool is held (getaddrinfo would wait for one)", async () => {
    const pool = holdThreadpool();
    try {
      // The same question through getaddrinfo queues behind the held threads.
      let lookedUp = false;
      const viaGetaddrinfo = lookup('localhost').finally(() => {
        lookedUp = true;
      });
      await expect(resolver.resolve('v4.test')).resolves.toEqual([
        { address: '192.0.2.20', family: 4 },
      ]);
      await expect(resolver.resolve('x.blackhole.test')).rejects.toEqual(
        new HostResolutionError('ETIMEOUT'),
      );
      expect(pool.probeRan()).toBe(false);
      expect(lookedUp).toBe(false);
      await pool.release();
      await viaGetaddrinfo.catch(() => undefined);
      expect(lookedUp).toBe(true);
    } finally {
      await pool.release().catch(() => undefined);
    }
  });
});
