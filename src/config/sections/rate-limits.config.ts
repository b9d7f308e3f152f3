import { EnvReader } from '../env-reader';

export const RATE_LIMIT_STORES = ['mongo', 'memory'] as const;
export type RateLimitStoreKind = (typeof RATE_LIMIT_STORES)[number];

export abstract class RateLimitConfig {
  /** `mongo`: counted fleet-wide in MongoDB; `memory`: per instance (a single instance only). */
  abstract readonly store: RateLimitStoreKind;
  /** Requests per minute. */
  abstract readonly tokenPerIp: number;
  abstract readonly tokenPerClient: number;
  abstract readonly authorizePerIp: number;
  abstract readonly loginPerIp: number;
  abstract readonly walletPerIp: number;
  abstract readonly walletPerAddress: number;
  /** Contract-wallet signature checks (one RPC call each) per minute per IP. */
  abstract readonly walletRpcPerIp: number;
  /** Metadata and JWKS requests per minute per IP (served unlimited while the store is down). */
  abstract readonly metadataPerIp: number;
  /** Dynamic client registrations (POST /register) per minute per IP. */
  abstract readonly registerPerIp: number;
  /** Passkey ceremonies (options and verify, anonymous or not) per minute per IP. */
  abstract readonly passkeyPerIp: number;
  /** Accounts created (an account record first written) per hour per IP. */
  abstract readonly accountCreationsPerIpPerHour: number;
  /** Device user codes submitted at /device per 10 minutes per signed-in account. */
  abstract readonly deviceUserCodesPerAccount: number;
  /** Device user codes submitted per 10 minutes per network (an IPv4 /24, an IPv6 /64). */
  abstract readonly deviceUserCodesPerNetwork: number;
}

export function readRateLimitConfig(env: EnvReader): RateLimitConfig {
  return Object.freeze({
    store: env.oneOf('RATE_LIMIT_STORE', RATE_LIMIT_STORES, 'mongo'),
    tokenPerIp: env.int('RATE_LIMIT_TOKEN_PER_IP', 300, { min: 1 }),
    tokenPerClient: env.int('RATE_LIMIT_TOKEN_PER_CLIENT', 600, { min: 1 }),
    authorizePerIp: env.int('RATE_LIMIT_AUTHORIZE_PER_IP', 300, { min: 1 }),
    loginPerIp: env.int('RATE_LIMIT_LOGIN_PER_IP', 30, { min: 1 }),
    walletPerIp: env.int('RATE_LIMIT_WALLET_PER_IP', 300, { min: 1 }),
    walletPerAddress: env.int('RATE_LIMIT_WALLET_PER_ADDRESS', 60, { min: 1 }),
    walletRpcPerIp: env.int('RATE_LIMIT_WALLET_RPC_PER_IP', 20, { min: 1 }),
    metadataPerIp: env.int('RATE_LIMIT_METADATA_PER_IP', 600, { min: 1 }),
    registerPerIp: env.int('RATE_LIMIT_REGISTER_PER_IP', 20, { min: 1 }),
    passkeyPerIp: env.int('RATE_LIMIT_PASSKEY_PER_IP', 300, { min: 1 }),
    accountCreationsPerIpPerHour: env.int('ACCOUNT_CREATIONS_PER_IP_PER_HOUR', 20, { min: 1 }),
    deviceUserCodesPerAccount: env.int('RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT', 20, { min: 2 }),
    deviceUserCodesPerNetwork: env.int('RATE_LIMIT_DEVICE_USER_CODES_PER_NETWORK', 60, { min: 2 }),
  });
}
