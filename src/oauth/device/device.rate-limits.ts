import type { RateLimitRule } from '../../platform/rate-limit/rate-limit';

/** The window of the user code throttle (RFC 8628 §5.1: "rate-limit user code attempts"). */
const USER_CODE_WINDOW_MS = 10 * 60_000;
/**
 * User codes submitted at /device per window, counted before the code is looked up, so the 10th
 * in 10 minutes is refused (429) whatever it is. A legitimate sign-in submits its code twice
 * (look it up, then confirm or deny).
 */
export const USER_CODE_TRIES = 9;

/** Per address: one source cannot try more than 9 codes in 10 minutes. */
export const USER_CODE_PER_IP: RateLimitRule = {
  name: 'device-user-code-ip',
  windowMs: USER_CODE_WINDOW_MS,
  limit: () => USER_CODE_TRIES,
};

/** Per code: one code cannot be tried more than 9 times in 10 minutes, from all sources together. */
export const USER_CODE_PER_CODE: RateLimitRule = {
  name: 'device-user-code',
  windowMs: USER_CODE_WINDOW_MS,
  limit: () => USER_CODE_TRIES,
};
