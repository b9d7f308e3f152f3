import { MINUTE_MS, RateLimitRule } from '../platform/rate-limit/rate-limit';

/** Password and wallet logins on the login page per IP (RATE_LIMIT_LOGIN_PER_IP). */
export const LOGIN_PER_IP: RateLimitRule = {
  name: 'login-ip',
  windowMs: MINUTE_MS,
  limit: (limits) => limits.loginPerIp,
};
