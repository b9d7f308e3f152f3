import {
  type RequestLimit,
  perIp,
  perIpAndClaim,
  perMinute,
} from '../platform/rate-limit/rate-limit';
import { WALLET_PER_IP_AND_ADDRESS, claimedAddress } from '../wallet/wallet.rate-limits';

/** Password and wallet logins on the login page per IP (RATE_LIMIT_LOGIN_PER_IP). */
export const LOGIN_PER_IP = perMinute('login-ip', (limits) => limits.loginPerIp);

/**
 * A wallet proof posted to a login or account route, before its signature is checked: per IP,
 * and per (IP, claimed address) with /wallet/verify; the address's own budget is charged by the
 * wallet verification once the signature is valid.
 */
export const WALLET_PROOF_LIMITS: readonly RequestLimit[] = [
  perIp(LOGIN_PER_IP),
  perIpAndClaim(WALLET_PER_IP_AND_ADDRESS, claimedAddress),
];
