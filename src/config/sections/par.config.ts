import { EnvReader } from '../env-reader';

/** RFC 9126 pushed authorization requests (see docs/DPOP-AND-PAR.md). */
export abstract class ParConfig {
  /** `require_pushed_authorization_requests` for every client (RFC 9126 §5). */
  abstract readonly required: boolean;
  /** Lifetime of a `request_uri` (RFC 9126 §2.2: short; a minute is usual). */
  abstract readonly requestUriTtlSeconds: number;
}

export function readParConfig(env: EnvReader): ParConfig {
  return Object.freeze({
    required: env.bool('REQUIRE_PUSHED_AUTHORIZATION_REQUESTS', false),
    requestUriTtlSeconds: env.int('PAR_REQUEST_URI_TTL_SECONDS', 60, { min: 5, max: 600 }),
  });
}
