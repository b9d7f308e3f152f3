import { perMinute } from '../../platform/rate-limit/rate-limit';

/**
 * Contract-wallet signature checks per IP (RATE_LIMIT_WALLET_RPC_PER_IP): each costs an
 * `eth_call` on a possibly paid RPC, charged before the call.
 */
export const WALLET_RPC_PER_IP = perMinute('wallet-rpc-ip', (limits) => limits.walletRpcPerIp);
