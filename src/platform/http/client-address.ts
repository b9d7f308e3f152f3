import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from './http-exchange';
import ipaddr from 'ipaddr.js';
import { isIPv4 } from 'node:net';

/** The prefix one IPv6 subscriber usually gets whole (RFC 6177): counted as one address. */
const IPV6_SUBSCRIBER_PREFIX_BYTES = 8;

/**
 * The address a request comes from, as limits should count it: IPv4 as is (IPv4-mapped IPv6
 * too), IPv6 reduced to its /64 (`2001:db8:1:2::/64`), loopback as `::1`. Anything that is not an
 * address (no socket address at all) is kept as it is.
 */
export function clientAddress(req: { readonly ip?: string }): string {
  const ip = req.ip ?? 'unknown';
  if (isIPv4(ip)) return ip;
  const bare = ip.split('%', 1)[0];
  if (!ipaddr.isValid(bare)) return ip;
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4') return address.toString();
  if (address.range() === 'loopback') return '::1';
  const bytes = address.toByteArray().fill(0, IPV6_SUBSCRIBER_PREFIX_BYTES);
  return `${ipaddr.fromByteArray(bytes).toString()}/64`;
}

/**
 * The network a `clientAddress` belongs to, as one subscriber or one NAT usually holds it: an
 * IPv4 address by its /24 (`192.0.2.0/24`), an IPv6 one by its /64 (as `clientAddress` gives it
 * already). For limits a block of addresses should not multiply (a guess budget).
 */
export function subscriberNetwork(address: string): string {
  if (!isIPv4(address)) return address;
  const [a, b, c] = address.split('.');
  return `${a}.${b}.${c}.0/24`;
}

/** The request's `clientAddress`, for handlers whose services count or key by it. */
export const CallerAddress = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    clientAddress(context.switchToHttp().getRequest<HttpRequest>()),
);
