import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import type { RateLimitConfig } from '../../config/app-config';
import { parseBasicCredentials } from '../http/basic-credentials';

export type RateLimitGroup = 'token' | 'authorize' | 'login' | 'wallet';
const GROUP = 'proofgate:rate-limit-group';

/** Puts a route under the named group's limits; routes without a group are not limited. */
export const RateLimit = (group: RateLimitGroup) => SetMetadata(GROUP, group);

function groupOf(context: ExecutionContext): RateLimitGroup | undefined {
  return (Reflect.getMetadata(GROUP, context.getHandler()) ??
    Reflect.getMetadata(GROUP, context.getClass())) as RateLimitGroup | undefined;
}

function ipOf(req: Record<string, unknown>): string {
  return (req as unknown as Request).ip ?? 'unknown';
}

/**
 * The client a token request claims to be (Basic header or client_id), else its IP. The Basic
 * user name is read exactly as client authentication reads it (form-decoded, any case of the
 * scheme), so `demo%2Dclient` or `basic ...` cannot open a fresh bucket for `demo-client`.
 */
function clientOf(req: Record<string, unknown>): string {
  const request = req as unknown as Request;
  const header = request.headers.authorization;
  const basic = header === undefined ? null : parseBasicCredentials(header);
  if (basic) return `client:${basic.username}`;
  const body = request.body as Record<string, unknown> | undefined;
  const id = body?.client_id;
  return typeof id === 'string' ? `client:${id}` : `ip:${ipOf(req)}`;
}

/** The wallet address a wallet request names (nonce body or SIWE message), else its IP. */
function addressOf(req: Record<string, unknown>): string {
  const body = (req as unknown as Request).body as Record<string, unknown> | undefined;
  if (typeof body?.address === 'string') return `address:${body.address.toLowerCase()}`;
  if (typeof body?.message === 'string') {
    const match = /\n(0x[0-9a-fA-F]{40})\n/.exec(body.message.slice(0, 4096));
    if (match) return `address:${match[1].toLowerCase()}`;
  }
  return `ip:${ipOf(req)}`;
}

/** Per-minute limits (in-memory per instance: put a shared limiter in front for a fleet). */
export function rateLimitThrottlers(limits: RateLimitConfig): ThrottlerOptions[] {
  const minute = 60_000;
  const only = (group: RateLimitGroup) => (context: ExecutionContext) => groupOf(context) !== group;
  return [
    { name: 'token-ip', ttl: minute, limit: limits.tokenPerIp, skipIf: only('token') },
    {
      name: 'token-client',
      ttl: minute,
      limit: limits.tokenPerClient,
      skipIf: only('token'),
      getTracker: clientOf,
    },
    { name: 'authorize-ip', ttl: minute, limit: limits.authorizePerIp, skipIf: only('authorize') },
    { name: 'login-ip', ttl: minute, limit: limits.loginPerIp, skipIf: only('login') },
    { name: 'wallet-ip', ttl: minute, limit: limits.walletPerIp, skipIf: only('wallet') },
    {
      name: 'wallet-address',
      ttl: minute,
      limit: limits.walletPerAddress,
      skipIf: only('wallet'),
      getTracker: addressOf,
    },
  ];
}
