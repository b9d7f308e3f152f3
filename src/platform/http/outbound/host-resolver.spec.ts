import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDnsServer } from '../../../../test/support/dns-server';
import { holdThreadpool } from '../../../../test/support/threadpool';
import { DnsHostResolver, HostResolutionError, HostsFile, parseHostsFile } from './host-resolver';

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

describe('DnsHostResolver: the hosts file and localhost before DNS (as getaddrinfo answers)', () => {
  const dns = new TestDnsServer({
    'partner.test': ['192.0.2.40'],
    'dns-only.test': ['192.0.2.41'],
    localhost: ['192.0.2.66'],
    'app.localhost': ['192.0.2.67'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'proofgate-hosts-'));
  const path = join(dir, 'hosts');
  let clock = 0;
  const resolverWith = (hostsFile: HostsFile) =>
    new DnsHostResolver({ servers: [dns.server], hostsFile, timeoutMs: 200, tries: 1 });

  beforeAll(() => dns.start());
  afterAll(async () => {
    await dns.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a name of the hosts file from the file, without asking DNS', async () => {
    writeFileSync(
      path,
      '# a comment\n::1 Partner.test\n127.0.0.1\tpartner.test conformance.test # ours\n',
    );
    const resolver = resolverWith(new HostsFile(path, () => clock));
    await expect(resolver.resolve('PARTNER.test')).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    await expect(resolver.resolve('conformance.test.')).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
    expect(dns.asked('partner.test')).toBe(0);
    // A name the file does not list goes to DNS.
    await expect(resolver.resolve('dns-only.test')).resolves.toEqual([
      { address: '192.0.2.41', family: 4 },
    ]);
  });

  it('sees an edit of the file once its last read is a few seconds old', () => {
    writeFileSync(path, '127.0.0.2 moved.test\n');
    const hosts = new HostsFile(path, () => clock);
    expect(hosts.addresses('moved.test')).toEqual([{ address: '127.0.0.2', family: 4 }]);
    writeFileSync(path, '127.0.0.3 moved.test\n');
    clock += 1_000;
    expect(hosts.addresses('moved.test')).toEqual([{ address: '127.0.0.2', family: 4 }]);
    clock += 5_000;
    expect(hosts.addresses('moved.test')).toEqual([{ address: '127.0.0.3', family: 4 }]);
  });

  it('answers localhost names with the loopback addresses, never asking DNS (RFC 6761 §6.3)', async () => {
    const resolver = resolverWith(new HostsFile(join(dir, 'absent'), () => clock));
    for (const name of ['localhost', 'LOCALHOST.', 'app.localhost']) {
      await expect(resolver.resolve(name)).resolves.toEqual([
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ]);
    }
    expect(dns.asked('localhost') + dns.asked('app.localhost')).toBe(0);
  });

  it("answers from the hosts file while every thread of libuv's pool is held", async () => {
    writeFileSync(path, '127.0.0.1 held.test\n');
    const resolver = resolverWith(new HostsFile(path, () => clock + 60_000));
    const pool = holdThreadpool();
    try {
      await expect(resolver.resolve('held.test')).resolves.toEqual([
        { address: '127.0.0.1', family: 4 },
      ]);
      expect(pool.probeRan()).toBe(false);
    } finally {
      await pool.release();
    }
  });

  it('reads hosts(5) lines: an address, then names; comments and malformed lines skipped', () => {
    const table = parseHostsFile(
      [
        '127.0.0.1 localhost',
        '  # 10.0.0.1 commented.test',
        'not-an-address bogus.test',
        '10.0.0.2 a.test a.test',
        '10.0.0.2 A.test',
        'fe80::1 a.test',
        '',
      ].join('\r\n'),
    );
    expect(table.get('a.test')).toEqual([
      { address: '10.0.0.2', family: 4 },
      { address: 'fe80::1', family: 6 },
    ]);
    expect(table.has('commented.test')).toBe(false);
    expect(table.has('bogus.test')).toBe(false);
  });
});
