import { EnvReader } from '../env-reader';
import { setting, settingsSection, whole } from '../setting';

export abstract class ClientAuthConfig {
  /**
   * How long a client read from MongoDB is served from memory: a change (a removed client, a new
   * secret or redirect URI) reaches every instance within this delay. 0 reads on every request.
   */
  abstract readonly registryCacheTtlSeconds: number;
  /** scrypt verifications of client secrets run at once, per instance, of the two it runs. */
  abstract readonly maxConcurrentHashes: number;
  /** Verifications that may wait for a slot; past that the request gets 503. */
  abstract readonly maxQueuedHashes: number;
  /** Failed authentications of one client id before it is refused with 429 ... */
  abstract readonly maxFailures: number;
  /** ... until this window, started by the first failure, ends. */
  abstract readonly failureWindowSeconds: number;
  /** The longest a client's previous secret may keep working after a rotation. */
  abstract readonly secretOverlapMaxSeconds: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const CLIENT_AUTH_SETTINGS = settingsSection(
  'Client authentication',
  'The client cache, the cost of client secrets and the refusal of guessing.',
  {
    registryCacheTtlSeconds: setting({
      name: 'CLIENT_CACHE_TTL_SECONDS',
      type: whole(0, 300),
      default: 10,
      description:
        'How long a client read from MongoDB is served from memory: the delay before a change ' +
        'reaches every instance (`0`: no cache).',
    }),
    maxConcurrentHashes: setting({
      name: 'CLIENT_AUTH_MAX_CONCURRENT_HASHES',
      type: whole(1, 64),
      default: 2,
      description:
        'Client-secret verifications (scrypt) running at once, per instance. An instance runs two ' +
        'scrypt derivations at once (32 MiB each), whoever asks: past `2`, the others wait there.',
    }),
    maxQueuedHashes: setting({
      name: 'CLIENT_AUTH_MAX_QUEUED_HASHES',
      type: whole(0, 10_000),
      default: 16,
      description:
        'Client-secret verifications waiting for one of those slots, per instance; past it: ' +
        '`503`.',
    }),
    maxFailures: setting({
      name: 'CLIENT_AUTH_MAX_FAILURES',
      type: whole(1),
      default: 10,
      description:
        'Failed authentications of one client id from one address after which that address gets ' +
        '`429` for that client until the window ends; other addresses are not affected.',
    }),
    failureWindowSeconds: setting({
      name: 'CLIENT_AUTH_FAILURE_WINDOW_SECONDS',
      type: whole(1, 86_400),
      default: 60,
      description: 'The window of `CLIENT_AUTH_MAX_FAILURES`, started by the first failure.',
    }),
    secretOverlapMaxSeconds: setting({
      name: 'CLIENT_SECRET_OVERLAP_MAX_SECONDS',
      type: whole(0, 31_536_000),
      default: 2_592_000,
      description:
        "The longest a confidential client's previous secret may keep working after its secret " +
        "is rotated (`proofgate-admin clients rotate-secret --overlap`, the admin API's " +
        '`previous_expires_in`), in seconds (at most a year); a longer overlap is refused, and ' +
        "the admin API's default of 24 h is cut to it. `0`: every rotation stops the previous " +
        'secret at once ([Administration](ADMINISTRATION.md#rotating-a-client-secret)).',
    }),
  },
);

export function readClientAuthConfig(env: EnvReader): ClientAuthConfig {
  return Object.freeze(env.values(CLIENT_AUTH_SETTINGS.declared));
}
