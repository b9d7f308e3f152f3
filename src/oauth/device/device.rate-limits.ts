import type { RateLimitRule } from '../../platform/rate-limit/rate-limit';

/** The window of the user code throttle (RFC 8628 §5.1: "rate-limit user code attempts"). */
const USER_CODE_WINDOW_MS = 10 * 60_000;

/**
 * User codes one signed-in account submits at /device per window
 * (RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT, 20), counted before the code is looked up, so the
 * next one is refused (429) whatever it is. A sign-in submits its code twice (look it up, then
 * confirm or deny). Nobody but the account can spend it.
 */
export const USER_CODE_PER_ACCOUNT: RateLimitRule = {
  name: 'device-user-code-account',
  windowMs: USER_CODE_WINDOW_MS,
  limit: (limits) => limits.deviceUserCodesPerAccount,
};

/**
 * User codes one network submits per window, its accounts together
 * (RATE_LIMIT_DEVICE_USER_CODES_PER_NETWORK, 60): an IPv4 /24 or an IPv6 /64
 * (`subscriberNetwork`), so that neither a block of addresses nor new accounts
 * (ACCOUNT_CREATIONS_PER_IP_PER_HOUR) multiply the guesses; by default three accounts' worth, so
 * that one guesser behind a NAT cannot lock the others out with one account. There is no count
 * per code: one any address could spend let anyone who knew a code lock its user out of it.
 */
export const USER_CODE_PER_NETWORK: RateLimitRule = {
  name: 'device-user-code-network',
  windowMs: USER_CODE_WINDOW_MS,
  limit: (limits) => limits.deviceUserCodesPerNetwork,
};
