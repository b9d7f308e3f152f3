import { EnvReader } from '../env-reader';
import { type SettingsSection, whole } from '../setting';

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

/** The settings this section reads, as docs/CONFIGURATION.md states them (`npm run docs:config`). */
export const LOGIN_THROTTLE_SETTINGS: SettingsSection = {
  title: 'Password guessing',
  intro:
    'Limits on failed password logins (NIST SP 800-63B §5.2.2; see [Password ' +
    'guessing](SECURITY.md#password-guessing)).',
  settings: [
    {
      name: 'LOGIN_FAILURES_PER_ACCOUNT_IP',
      type: whole(1, 100),
      default: 5,
      description:
        'Failed password logins for one account from one address before the back-off (30 s, ' +
        'doubling) starts.',
    },
    {
      name: 'LOGIN_FAILURES_PER_ACCOUNT',
      type: whole(1, 100),
      default: 100,
      description:
        'Failed password logins for one account per window from all addresses; past it, `429` ' +
        'until the window ends.',
    },
    {
      name: 'LOGIN_FAILURE_WINDOW_SECONDS',
      type: whole(60, 86_400),
      default: 3600,
      description: 'Length of the fixed windows the failure counters are kept in.',
    },
  ],
};
