import { EnvReader } from '../env-reader';
import { BOOLEAN, setting, settingsSection, whole } from '../setting';

/** RFC 9126 pushed authorization requests (see docs/DPOP-AND-PAR.md). */
export abstract class ParConfig {
  /** `require_pushed_authorization_requests` for every client (RFC 9126 §5). */
  abstract readonly required: boolean;
  /** Lifetime of a `request_uri` (RFC 9126 §2.2: short; a minute is usual). */
  abstract readonly requestUriTtlSeconds: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const PAR_SETTINGS = settingsSection(
  'Pushed authorization requests',
  'RFC 9126 (see [DPoP and PAR](DPOP-AND-PAR.md)).',
  {
    required: setting({
      name: 'REQUIRE_PUSHED_AUTHORIZATION_REQUESTS',
      type: BOOLEAN,
      default: false,
      description:
        'Every client must push its authorization requests to `POST /par`: `/authorize` without ' +
        'a `request_uri` is refused (RFC 9126 §5; per client: ' +
        '`require_pushed_authorization_requests`).',
    }),
    requestUriTtlSeconds: setting({
      name: 'PAR_REQUEST_URI_TTL_SECONDS',
      type: whole(5, 600),
      default: 60,
      description: "Lifetime of a pushed request's `request_uri`.",
    }),
  },
);

export function readParConfig(env: EnvReader): ParConfig {
  return Object.freeze(env.values(PAR_SETTINGS.declared));
}
