import { perMinute } from '../platform/rate-limit/rate-limit';

/** Password and wallet logins on the login page per IP (RATE_LIMIT_LOGIN_PER_IP). */
export const LOGIN_PER_IP = perMinute('login-ip', (limits) => limits.loginPerIp);
