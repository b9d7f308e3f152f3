import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';

/**
 * The address a request comes from, as limits should count it: IPv4 as is (IPv4-mapped IPv6
 * too), IPv6 reduced to its /64, the prefix one subscriber usually gets whole.
 */
export function clientAddress(req: Pick<Request, 'ip'>): string {
  return normalizeIp(req.ip ?? 'unknown', 64);
}

/** The request's `clientAddress`, for handlers whose services count or key by it. */
export const CallerAddress = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    clientAddress(context.switchToHttp().getRequest<Request>()),
);
