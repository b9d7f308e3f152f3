import { EnvReader } from '../env-reader';
import { BOOLEAN, setting, settingsSection } from '../setting';

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

/** The settings this section reads, each declared once for its reader and the reference. */
export const DPOP_SETTINGS = settingsSection(
  'DPoP',
  'Sender-constrained tokens (RFC 9449; see [DPoP and PAR](DPOP-AND-PAR.md)).',
  {
    requireNonce: setting({
      name: 'DPOP_REQUIRE_NONCE',
      type: BOOLEAN,
      default: false,
      description:
        'Every DPoP proof (`/token`, `/api/me`, `/userinfo`) must carry a server nonce of the ' +
        'current or previous minute: without one, or with a stale one, the answer is ' +
        '`use_dpop_nonce` with the `DPoP-Nonce` to use (RFC 9449 §8, §9).',
    }),
    requiredAtApi: setting({
      name: 'API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED',
      type: BOOLEAN,
      default: false,
      description:
        '`/api` accepts DPoP-bound access tokens only: a bearer token is refused with a `DPoP` ' +
        'challenge; advertised as `dpop_bound_access_tokens_required` in its RFC 9728 metadata.',
    }),
  },
);

export function readDpopConfig(env: EnvReader): DpopConfig {
  return Object.freeze(env.values(DPOP_SETTINGS.declared));
}
