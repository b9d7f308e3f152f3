import { EnvReader } from '../env-reader';
import { BOOLEAN, setting, settingsSection, whole } from '../setting';

/**
 * The admin console at `/admin` (issue #77): a first-party public client of the service itself,
 * `proofgate-console`, through which an operator's account gets the admin API's scopes after a
 * passkey sign-in (see docs/ADMINISTRATION.md).
 */
export abstract class AdminConsoleConfig {
  /** Serve `/admin` and register `proofgate-console`; off, neither exists. */
  abstract readonly enabled: boolean;
  /** How old the passkey sign-in may be when the console is given admin scopes. */
  abstract readonly maxAuthAgeSeconds: number;
  /** Lifetime of the console's access tokens (no refresh token: a new sign-in when it ends). */
  abstract readonly tokenTtlSeconds: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const ADMIN_CONSOLE_SETTINGS = settingsSection(
  'Admin console',
  'The console at `/admin`, a client of the admin API (see [Administration](ADMINISTRATION.md#the-console)).',
  {
    enabled: setting({
      name: 'ADMIN_CONSOLE',
      type: BOOLEAN,
      default: true,
      description:
        'Serve the console at `/admin` and register its client, `proofgate-console` (public, ' +
        'code + PKCE S256, DPoP-bound tokens). `false`: `/admin` answers 404 and the client is ' +
        'removed at start, so no person gets admin scopes at all.',
    }),
    maxAuthAgeSeconds: setting({
      name: 'ADMIN_CONSOLE_MAX_AUTH_AGE_SECONDS',
      type: whole(30, 3600),
      default: 300,
      description:
        'How recent the passkey sign-in (`acr` `phr`, its `auth_time`) of an operator must be ' +
        'for the console to be given `admin:read` and `admin:write`, at `/authorize` and again at ' +
        '`/token`; an older one signs in again.',
    }),
    tokenTtlSeconds: setting({
      name: 'ADMIN_CONSOLE_TOKEN_TTL_SECONDS',
      type: whole(60, 900),
      default: 300,
      description:
        "Lifetime of the console's access tokens. The console gets no refresh token: when its " +
        'token ends, the operator signs in with the passkey again.',
    }),
  },
);

export function readAdminConsoleConfig(env: EnvReader): AdminConsoleConfig {
  return Object.freeze(env.values(ADMIN_CONSOLE_SETTINGS.declared));
}
