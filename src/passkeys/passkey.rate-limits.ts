import { perIp, perMinute } from '../platform/rate-limit/rate-limit';

/**
 * Every passkey request per IP (RATE_LIMIT_PASSKEY_PER_IP), before anything is proven: it bounds
 * the anonymous challenges POST /passkeys/authentication/options can create.
 */
export const PASSKEY_PER_IP = perMinute('passkey-ip', (limits) => limits.passkeyPerIp);

export const PASSKEY_LIMITS = [perIp(PASSKEY_PER_IP)] as const;
