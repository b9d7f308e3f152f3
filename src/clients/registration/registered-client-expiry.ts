import type { RegistrationConfig } from '../../config/sections/registration.config';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long a client that registered itself (RFC 7591) stays known. RFC 7591 leaves the lifetime
 * of a registration to the server; an anonymous registration is state anyone can create, so it
 * lasts only while it is used: REGISTERED_CLIENT_UNUSED_TTL_HOURS until its first token, then
 * REGISTERED_CLIENT_IDLE_TTL_DAYS after its last one.
 */
export class RegisteredClientExpiry {
  constructor(private readonly config: RegistrationConfig) {}

  /** The expiry of a client registered at `now`, which no token was issued to yet. */
  atRegistration(now: Date): Date {
    return new Date(now.getTime() + this.config.unusedClientTtlHours * HOUR_MS);
  }

  /** The expiry of a client a token was issued to at `now`. */
  afterUse(now: Date): Date {
    return new Date(now.getTime() + this.config.idleClientTtlDays * DAY_MS);
  }

  /**
   * How often a use is written: about once a day (never once per token request, the token
   * endpoint being the hot path), more often only for an idle expiry shorter than two days. The
   * recorded expiry lags the real last use by at most this much.
   */
  get useRecordingIntervalMs(): number {
    return Math.min(DAY_MS, (this.config.idleClientTtlDays * DAY_MS) / 2);
  }
}
