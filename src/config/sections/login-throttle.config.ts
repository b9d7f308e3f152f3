import { EnvReader } from '../env-reader';

/** NIST SP 800-63B §5.2.2 limits on failed password logins (see LoginThrottle). */
export abstract class LoginThrottleConfig {
  /** Failures of one account from one address before the exponential back-off starts. */
  abstract readonly failuresPerAccountAddress: number;
  /** Failures of one account from all addresses per window: at most 100 (NIST). */
  abstract readonly failuresPerAccount: number;
  /** Length of the fixed windows the counters are kept in. */
  abstract readonly failureWindowSeconds: number;
}

export function readLoginThrottleConfig(env: EnvReader): LoginThrottleConfig {
  return Object.freeze({
    failuresPerAccountAddress: env.int('LOGIN_FAILURES_PER_ACCOUNT_IP', 5, { min: 1, max: 100 }),
    failuresPerAccount: env.int('LOGIN_FAILURES_PER_ACCOUNT', 100, { min: 1, max: 100 }),
    failureWindowSeconds: env.int('LOGIN_FAILURE_WINDOW_SECONDS', 3600, {
      min: 60,
      max: 86_400,
    }),
  });
}
