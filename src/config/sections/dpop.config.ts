import { EnvReader } from '../env-reader';
import { BOOLEAN, type SettingsSection } from '../setting';

/** RFC 9449 DPoP (see docs/DPOP-AND-PAR.md). */
export abstract class DpopConfig {
  /**
   * Every DPoP proof must carry a fresh server nonce (RFC 9449 §8): one without it, or with a
   * stale one, is answered `use_dpop_nonce` and a `DPoP-Nonce` to use.
   */
  abstract readonly requireNonce: boolean;
  /**
   * Proofgate's own API (`/api`) accepts DPoP-bound access tokens only (RFC 9728
   * `dpop_bound_access_tokens_required`): a bearer token is refused there.
   */
  abstract readonly requiredAtApi: boolean;
}

export function readDpopConfig(env: EnvReader): DpopConfig {
  return Object.freeze({
    requireNonce: env.bool('DPOP_REQUIRE_NONCE', false),
    requiredAtApi: env.bool('API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED', false),
  });
}

/** The settings this section reads, as docs/CONFIGURATION.md states them (`npm run docs:config`). */
export const DPOP_SETTINGS: SettingsSection = {
  title: 'DPoP',
  intro: 'Sender-constrained tokens (RFC 9449; see [DPoP and PAR](DPOP-AND-PAR.md)).',
  settings: [
    {
      name: 'DPOP_REQUIRE_NONCE',
      type: BOOLEAN,
      default: false,
      description:
        'Every DPoP proof (`/token`, `/api/me`, `/userinfo`) must carry a server nonce of the ' +
        'current or previous minute: without one, or with a stale one, the answer is ' +
        '`use_dpop_nonce` with the `DPoP-Nonce` to use (RFC 9449 §8, §9).',
    },
    {
      name: 'API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED',
      type: BOOLEAN,
      default: false,
      description:
        '`/api` accepts DPoP-bound access tokens only: a bearer token is refused with a `DPoP` ' +
        'challenge; advertised as `dpop_bound_access_tokens_required` in its RFC 9728 metadata.',
    },
  ],
};
