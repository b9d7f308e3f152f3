import { EnvReader } from '../env-reader';

/** RFC 7591 dynamic client registration at POST /register. */
export abstract class RegistrationConfig {
  /** Anyone may register a public client (`token_endpoint_auth_method: none`). */
  abstract readonly open: boolean;
  /**
   * RFC 7591 §3: the initial access token a confidential registration must present as a Bearer
   * token. Unset: confidential clients cannot register dynamically at all.
   */
  abstract readonly initialAccessToken?: string;
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

export function readRegistrationConfig(env: EnvReader): RegistrationConfig {
  const initialAccessToken = env.str('REGISTRATION_INITIAL_ACCESS_TOKEN');
  if (initialAccessToken !== undefined && initialAccessToken.length < 32) {
    env.problem('REGISTRATION_INITIAL_ACCESS_TOKEN must be at least 32 characters');
  }
  return Object.freeze({
    open: env.bool('REGISTRATION_OPEN', true),
    ...(initialAccessToken ? { initialAccessToken } : {}),
    unusedClientTtlHours: env.int('REGISTERED_CLIENT_UNUSED_TTL_HOURS', 24, {
      min: 1,
      max: 24 * 365,
    }),
    idleClientTtlDays: env.int('REGISTERED_CLIENT_IDLE_TTL_DAYS', 90, { min: 1, max: 3650 }),
    maxClients: env.int('REGISTERED_CLIENTS_MAX', 10_000, { min: 1, max: 10_000_000 }),
  });
}
