import type { HttpRequest as Request } from '../platform/http/http-exchange';
import { RequestLimit, perIp, perIpAndClaim, perMinute } from '../platform/rate-limit/rate-limit';
import { claimedAddressOf } from './wallet-chains';

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
 * The wallet address a request names (the nonce request's `address`, or the second line of the
 * signed message it carries), as its chain counts it (Ethereum's lower-cased; base58 is
 * case-sensitive, so a Solana address is kept as is); unproven, so only ever counted with the
 * caller's IP.
 */
export function claimedAddress(request: Request): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  return body ? claimedAddressOf(body) : undefined;
}

/** What /wallet/nonce and /wallet/verify count before a valid signature. */
export const WALLET_LIMITS: readonly RequestLimit[] = [
  perIp(WALLET_PER_IP),
  perIpAndClaim(WALLET_PER_IP_AND_ADDRESS, claimedAddress),
];
