import { EnvReader } from '../env-reader';

export abstract class ClientAuthConfig {
  /**
   * How long a client read from MongoDB is served from memory: a change (a removed client, a new
   * secret or redirect URI) reaches every instance within this delay. 0 reads on every request.
   */
  abstract readonly registryCacheTtlSeconds: number;
  /** scrypt verifications of client secrets run at once, per instance. */
  abstract readonly maxConcurrentHashes: number;
  /** Verifications that may wait for a slot; past that the request gets 503. */
  abstract readonly maxQueuedHashes: number;
  /** Failed authentications of one client id before it is refused with 429 ... */
  abstract readonly maxFailures: number;
  /** ... until this window, started by the first failure, ends. */
  abstract readonly failureWindowSeconds: number;
}

export function readClientAuthConfig(env: EnvReader): ClientAuthConfig {
  return Object.freeze({
    registryCacheTtlSeconds: env.int('CLIENT_CACHE_TTL_SECONDS', 10, { min: 0, max: 300 }),
    maxConcurrentHashes: env.int('CLIENT_AUTH_MAX_CONCURRENT_HASHES', 2, { min: 1, max: 64 }),
    maxQueuedHashes: env.int('CLIENT_AUTH_MAX_QUEUED_HASHES', 16, { min: 0, max: 10_000 }),
    maxFailures: env.int('CLIENT_AUTH_MAX_FAILURES', 10, { min: 1 }),
    failureWindowSeconds: env.int('CLIENT_AUTH_FAILURE_WINDOW_SECONDS', 60, {
      min: 1,
      max: 86_400,
    }),
  });
}
