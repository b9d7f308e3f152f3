import { clientAddress, subscriberNetwork } from './client-address';

describe('clientAddress', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:c000:0207', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['unknown', 'unknown'],
    ['not an address', 'not an address'],
  ])('counts %s as %s', (ip, expected) => {
    expect(clientAddress({ ip })).toBe(expected);
  });

  it('counts a request without an address as "unknown"', () => {
    expect(clientAddress({ ip: undefined })).toBe('unknown');
  });

  it('counts every address of one /64 as one, and the next /64 apart', () => {
    const a = clientAddress({ ip: '2001:db8:abcd:12::1' });
    expect(clientAddress({ ip: '2001:db8:abcd:12:ffff:ffff:ffff:ffff' })).toBe(a);
    expect(clientAddress({ ip: '2001:db8:abcd:13::1' })).not.toBe(a);
  });
});

describe('subscriberNetwork', () => {
  it.each([
    ['192.0.2.7', '192.0.2.0/24'],
    ['192.0.2.255', '192.0.2.0/24'],
    ['192.0.3.7', '192.0.3.0/24'],
    ['127.0.0.1', '127.0.0.0/24'],
    ['2001:db8:1:2::/64', '2001:db8:1:2::/64'],
    ['::1', '::1'],
    ['unknown', 'unknown'],
  ])('puts %s in %s', (address, expected) => {
    expect(subscriberNetwork(address)).toBe(expected);
  });

  it('takes what clientAddress counts: an IPv4-mapped address by its IPv4 /24', () => {
    expect(subscriberNetwork(clientAddress({ ip: '::ffff:198.51.100.9' }))).toBe('198.51.100.0/24');
  });
});
