import { EnvReader } from '../env-reader';
import { setting, settingsSection, whole } from '../setting';

/** NIST SP 800-63B §5.2.2 limits on failed password logins (see LoginThrottle). */
export abstract class LoginThrottleConfig {
  /** Failures of one account from one address before the exponential back-off starts. */
  abstract readonly failuresPerAccountAddress: number;
  /** Failures of one account from all addresses per window: at most 100 (NIST). */
  abstract readonly failuresPerAccount: number;
  /** Length of the fixed windows the counters are kept in. */
  abstract readonly failureWindowSeconds: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const LOGIN_THROTTLE_SETTINGS = settingsSection(
  'Password guessing',
  'Limits on failed password logins (NIST SP 800-63B §5.2.2; see [Password ' +
    'guessing](SECURITY.md#password-guessing)).',
  {
    failuresPerAccountAddress: setting({
      name: 'LOGIN_FAILURES_PER_ACCOUNT_IP',
      type: whole(1, 100),
      default: 5,
      description:
        'Failed password logins for one account from one address before the back-off (30 s, ' +
        'doubling) starts.',
    }),
    failuresPerAccount: setting({
      name: 'LOGIN_FAILURES_PER_ACCOUNT',
      type: whole(1, 100),
      default: 100,
      description:
        'Failed password logins for one account in any window from all addresses (a sliding ' +
        'window: those of the window before count less as the current one goes on); past it, ' +
        '`429` until enough have faded.',
    }),
    failureWindowSeconds: setting({
      name: 'LOGIN_FAILURE_WINDOW_SECONDS',
      type: whole(60, 86_400),
      default: 3600,
      description:
        'Length of the windows the failure counters are kept in: fixed for the back-off of an ' +
        'address, sliding for the ceiling of an account.',
    }),
  },
);

export function readLoginThrottleConfig(env: EnvReader): LoginThrottleConfig {
  return Object.freeze(env.values(LOGIN_THROTTLE_SETTINGS.declared));
}
