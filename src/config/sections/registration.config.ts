import { EnvReader } from '../env-reader';
import { BOOLEAN, setting, settingsSection, text, whole } from '../setting';

/** RFC 7591 dynamic client registration at POST /register. */
export abstract class RegistrationConfig {
  /** Anyone may register a public client (`token_endpoint_auth_method: none`). */
  abstract readonly open: boolean;
  /**
   * RFC 7591 §3: the initial access token a confidential registration must present as a Bearer
   * token. Unset: confidential clients cannot register dynamically at all.
   */
  abstract readonly initialAccessToken?: string;
  /**
   * The `require_pkce` a confidential client gets when its registration does not say (a public
   * client always uses PKCE).
   */
  abstract readonly requirePkce: boolean;
  /** A registered client to which no token was ever issued is forgotten this long after registering. */
  abstract readonly unusedClientTtlHours: number;
  /** A registered client is forgotten this long after the last token issued to it. */
  abstract readonly idleClientTtlDays: number;
  /**
   * Most clients stored (registered, configured and operator-added alike: one cheap count); past
   * it, POST /register answers 503 until expired registrations are swept.
   */
  abstract readonly maxClients: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const REGISTRATION_SETTINGS = settingsSection(
  'Dynamic client registration',
  'RFC 7591 at `POST /register` (see [Clients](CLIENTS.md)).',
  {
    open: setting({
      name: 'REGISTRATION_OPEN',
      type: BOOLEAN,
      default: true,
      description:
        'Anyone may register a public client at `POST /register` (RFC 7591). `false`: only with ' +
        'the initial access token, and not at all without one (`registration_endpoint` is then ' +
        'not advertised).',
    }),
    initialAccessToken: setting({
      name: 'REGISTRATION_INITIAL_ACCESS_TOKEN',
      type: text('a secret of 32 characters or more'),
      default: { unset: 'none' },
      description:
        '`Authorization: Bearer <token>` at `POST /register` may register confidential clients ' +
        '(`client_secret_basic`, `client_secret_post`). Unset: confidential registration is ' +
        'refused with `invalid_client_metadata`. A client registered with it, public or ' +
        'confidential, has its authorization errors and denials sent back to its redirect URI ' +
        'as an operator client has, not shown as a page with a link ' +
        '([Security](SECURITY.md#redirects-to-clients-never-an-open-redirector)).',
    }),
    requirePkce: setting({
      name: 'REGISTRATION_REQUIRE_PKCE',
      type: BOOLEAN,
      default: true,
      description:
        'The `require_pkce` of a confidential client whose registration at `POST /register` does ' +
        'not say. `false`: such a client may send OpenID Connect requests without PKCE, relying ' +
        "on `nonce` ([PKCE per client](OAUTH.md#pkce-per-client)), as the OpenID Foundation's " +
        'dynamic-registration plans register. A registration that says keeps its own; a public ' +
        'client always uses PKCE.',
    }),
    unusedClientTtlHours: setting({
      name: 'REGISTERED_CLIENT_UNUSED_TTL_HOURS',
      type: whole(1, 24 * 365),
      default: 24,
      description:
        'A client registered at `POST /register` to which no token was issued is unknown this ' +
        'long after registering.',
    }),
    idleClientTtlDays: setting({
      name: 'REGISTERED_CLIENT_IDLE_TTL_DAYS',
      type: whole(1, 3650),
      default: 90,
      description:
        'A registered client is unknown this long after the last token issued to it; configured ' +
        'and operator-added clients never expire.',
    }),
    maxClients: setting({
      name: 'REGISTERED_CLIENTS_MAX',
      type: whole(1, 10_000_000),
      default: 10_000,
      description:
        'Most clients stored (every kind counts); past it `POST /register` answers `503 ' +
        'temporarily_unavailable` until expired registrations are swept.',
    }),
  },
);

export function readRegistrationConfig(env: EnvReader): RegistrationConfig {
  const initialAccessToken = env.get(REGISTRATION_SETTINGS.declared.initialAccessToken, undefined);
  if (initialAccessToken !== undefined && initialAccessToken.length < 32) {
    env.problem('REGISTRATION_INITIAL_ACCESS_TOKEN must be at least 32 characters');
  }
  return Object.freeze({
    open: env.get(REGISTRATION_SETTINGS.declared.open),
    ...(initialAccessToken ? { initialAccessToken } : {}),
    requirePkce: env.get(REGISTRATION_SETTINGS.declared.requirePkce),
    unusedClientTtlHours: env.get(REGISTRATION_SETTINGS.declared.unusedClientTtlHours),
    idleClientTtlDays: env.get(REGISTRATION_SETTINGS.declared.idleClientTtlDays),
    maxClients: env.get(REGISTRATION_SETTINGS.declared.maxClients),
  });
}
