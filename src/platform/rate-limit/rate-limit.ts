import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { RateLimitConfig } from '../../config/app-config';
import { parseBasicCredentials } from '../http/basic-credentials';
import { clientAddress } from '../http/client-address';

export type RateLimitGroup = 'token' | 'authorize' | 'login' | 'wallet' | 'metadata' | 'register';

/**
 * What a limited route does when the limiter's store cannot be reached. `closed`: refuse with
 * 503 temporarily_unavailable (routes an attacker would like unlimited: login, token, wallet).
 * `open`: serve without counting (read-only public documents such as metadata and JWKS).
 */
export type StoreDownPolicy = 'closed' | 'open';

export interface RateLimitPolicy {
  readonly group: RateLimitGroup;
  readonly whenStoreDown: StoreDownPolicy;
}

const POLICY = 'proofgate:rate-limit-policy';

/**
 * Puts a route under the named group's limits; routes without a group are not limited. The
 * policy for an unreachable store is stated at every use, never defaulted.
 */
export const RateLimit = (group: RateLimitGroup, whenStoreDown: StoreDownPolicy) =>
  SetMetadata(POLICY, { group, whenStoreDown } satisfies RateLimitPolicy);

export function policyOf(context: ExecutionContext): RateLimitPolicy | undefined {
  return (Reflect.getMetadata(POLICY, context.getHandler()) ??
    Reflect.getMetadata(POLICY, context.getClass())) as RateLimitPolicy | undefined;
}

/** One limit: at most `limit` requests per fixed window of `windowMs` for each key. */
export interface RateLimitRule {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly keyOf: (request: Request) => string;
}

const ipOf = (request: Request): string => `ip:${clientAddress(request)}`;

/**
 * The client a token request claims to be (Basic header or client_id), else its IP. The Basic
 * user name is read exactly as client authentication reads it (form-decoded, any case of the
 * scheme), so `demo%2Dclient` or `basic ...` cannot open a fresh bucket for `demo-client`.
 */
function clientOf(request: Request): string {
  const header = request.headers.authorization;
  const basic = header === undefined ? null : parseBasicCredentials(header);
  if (basic) return `client:${basic.username}`;
  const body = request.body as Record<string, unknown> | undefined;
  const id = body?.client_id;
  return typeof id === 'string' ? `client:${id}` : ipOf(request);
}

/** The wallet address a wallet request names (nonce body or SIWE message), else its IP. */
function addressOf(request: Request): string {
  const body = request.body as Record<string, unknown> | undefined;
  if (typeof body?.address === 'string') return `address:${body.address.toLowerCase()}`;
  if (typeof body?.message === 'string') {
    const match = /\n(0x[0-9a-fA-F]{40})\n/.exec(body.message.slice(0, 4096));
    if (match) return `address:${match[1].toLowerCase()}`;
  }
  return ipOf(request);
}

/** Per-minute limits of each group, counted in fixed windows aligned on the minute. */
export function rateLimitRules(
  limits: RateLimitConfig,
): Readonly<Record<RateLimitGroup, readonly RateLimitRule[]>> {
  const windowMs = 60_000;
  return {
    token: [
      { name: 'token-ip', limit: limits.tokenPerIp, windowMs, keyOf: ipOf },
      { name: 'token-client', limit: limits.tokenPerClient, windowMs, keyOf: clientOf },
    ],
    authorize: [{ name: 'authorize-ip', limit: limits.authorizePerIp, windowMs, keyOf: ipOf }],
    login: [{ name: 'login-ip', limit: limits.loginPerIp, windowMs, keyOf: ipOf }],
    wallet: [
      { name: 'wallet-ip', limit: limits.walletPerIp, windowMs, keyOf: ipOf },
      { name: 'wallet-address', limit: limits.walletPerAddress, windowMs, keyOf: addressOf },
    ],
    metadata: [{ name: 'metadata-ip', limit: limits.metadataPerIp, windowMs, keyOf: ipOf }],
    register: [{ name: 'register-ip', limit: limits.registerPerIp, windowMs, keyOf: ipOf }],
  };
}
