import type { Request } from 'express';
import { RequestLimit, perIp, perIpAndClaim, perMinute } from '../platform/rate-limit/rate-limit';
import { claimedSolanaAddress } from './siws/siws-message';

/** /wallet/nonce and /wallet/verify per IP, before anything is proven. */
export const WALLET_PER_IP = perMinute('wallet-ip', (limits) => limits.walletPerIp);

/**
 * The per-address budget (RATE_LIMIT_WALLET_PER_ADDRESS) before a valid signature: per (IP,
 * claimed address), so a caller naming an address spends only its own share of it.
 */
export const WALLET_PER_IP_AND_ADDRESS = perMinute(
  'wallet-ip-address',
  (limits) => limits.walletPerAddress,
);

/** An address's own budget, from every IP: charged after its signature verified and its nonce redeemed. */
export const WALLET_PER_ADDRESS = perMinute('wallet-address', (limits) => limits.walletPerAddress);

/**
 * Contract-wallet signature checks per IP (RATE_LIMIT_WALLET_RPC_PER_IP): each costs an
 * `eth_call` on a possibly paid RPC, charged before the call.
 */
export const WALLET_RPC_PER_IP = perMinute('wallet-rpc-ip', (limits) => limits.walletRpcPerIp);

/** A Solana address's alphabet and length (no `0`: an Ethereum address never matches). */
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
/** EIP-4361: the address is the message's second line. Only the start of a message is read. */
const MESSAGE_ADDRESS = /^[^\n]{0,512}\n(0x[0-9a-fA-F]{40})\n/;

/**
 * The wallet address a request names (the nonce request's `address`, or the second line of the
 * SIWE or SIWS message it carries), Ethereum's lower-cased (base58 is case-sensitive, so a Solana
 * address is kept as is); unproven, so only ever counted with the caller's IP.
 */
export function claimedAddress(request: Request): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (typeof body?.address === 'string') {
    return BASE58_ADDRESS.test(body.address) ? body.address : body.address.toLowerCase();
  }
  if (typeof body?.message === 'string') {
    const head = body.message.slice(0, 1024);
    return MESSAGE_ADDRESS.exec(head)?.[1].toLowerCase() ?? claimedSolanaAddress(head);
  }
  return undefined;
}

/** What /wallet/nonce and /wallet/verify count before a valid signature. */
export const WALLET_LIMITS: readonly RequestLimit[] = [
  perIp(WALLET_PER_IP),
  perIpAndClaim(WALLET_PER_IP_AND_ADDRESS, claimedAddress),
];
