import { EnvReader } from '../env-reader';

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
