import { EnvReader } from '../env-reader';
import { setting, settingsSection, whole } from '../setting';

/**
 * Lifetimes of the single-use challenges (src/challenges), how many backchannel requests may wait,
 * and how often their figures are saved.
 */
export abstract class ChallengeConfig {
  abstract readonly authorizationCodeTtlSeconds: number;
  abstract readonly walletNonceTtlSeconds: number;
  /** Both WebAuthn ceremonies' challenges (registration and authentication). */
  abstract readonly webauthnChallengeTtlSeconds: number;
  /** RFC 8628 §3.2 `expires_in`: a device authorization's device and user codes. */
  abstract readonly deviceCodeTtlSeconds: number;
  /** RFC 8628 §3.2 `interval`: the least wait between two polls of /token, whole seconds. */
  abstract readonly deviceCodeIntervalSeconds: number;
  /** CIBA Core 1.0 §7.3 `expires_in`: a backchannel request's most a client may ask for. */
  abstract readonly cibaRequestTtlSeconds: number;
  /** CIBA Core 1.0 §7.3 `interval`: the least wait between two polls of /token. */
  abstract readonly cibaIntervalSeconds: number;
  /**
   * Backchannel requests one client may have pending for one person at once: more would push
   * the person's other requests off the approvals page's list.
   */
  abstract readonly cibaMaxPendingPerClient: number;
  /** How often each instance writes its in-memory figures to MongoDB (and on shutdown). */
  abstract readonly figuresFlushMs: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const CHALLENGE_SETTINGS = settingsSection(
  'Challenges',
  'Lifetimes of the single-use challenges, how many backchannel requests may wait, and how often their figures are saved.',
  {
    authorizationCodeTtlSeconds: setting({
      name: 'AUTH_CODE_TTL_SECONDS',
      type: whole(1, 600),
      default: 60,
      description: 'Authorization code lifetime.',
    }),
    walletNonceTtlSeconds: setting({
      name: 'WALLET_NONCE_TTL_SECONDS',
      type: whole(1, 3600),
      default: 300,
      description: 'Lifetime of a wallet sign-in nonce, every chain.',
    }),
    webauthnChallengeTtlSeconds: setting({
      name: 'WEBAUTHN_CHALLENGE_TTL_SECONDS',
      type: whole(10, 600),
      default: 300,
      description: 'Lifetime of a passkey registration or sign-in challenge.',
    }),
    deviceCodeTtlSeconds: setting({
      name: 'DEVICE_CODE_TTL_SECONDS',
      type: whole(30, 1800),
      default: 600,
      description:
        "Lifetime of a device authorization's device and user codes: `expires_in` of `POST " +
        '/device_authorization` (RFC 8628 §3.2).',
    }),
    deviceCodeIntervalSeconds: setting({
      name: 'DEVICE_CODE_INTERVAL_SECONDS',
      type: whole(1, 60),
      default: 5,
      description:
        '`interval` of a device authorization: the least wait between two polls of `/token`, ' +
        'whole seconds; a faster poll gets `slow_down` and 5 s more (RFC 8628 §3.5).',
    }),
    cibaRequestTtlSeconds: setting({
      name: 'CIBA_REQUEST_TTL_SECONDS',
      type: whole(30, 1800),
      default: 600,
      description:
        'Lifetime of a backchannel authentication request (CIBA): `expires_in` of `POST ' +
        '/backchannel`, which a `requested_expiry` may only shorten (CIBA Core 1.0 §7.3).',
    }),
    cibaIntervalSeconds: setting({
      name: 'CIBA_INTERVAL_SECONDS',
      type: whole(1, 60),
      default: 5,
      description:
        '`interval` of a backchannel authentication request: the least wait between two polls ' +
        'of `/token`, whole seconds; a faster poll gets `slow_down` and 5 s more (CIBA Core 1.0 §11).',
    }),
    cibaMaxPendingPerClient: setting({
      name: 'CIBA_MAX_PENDING_PER_CLIENT',
      type: whole(1),
      default: 5,
      description:
        'Backchannel requests one client may have pending (unanswered, unexpired) for one person ' +
        'at once. Past it `POST /backchannel` answers `429 too_many_requests`, `Retry-After` ' +
        "until the soonest of them expires, so that no client can push the person's other " +
        'requests off the newest 20 that `/account/approvals` lists (the page also says how many ' +
        'more are pending). A hint that names nobody who may be asked is counted the same way, by the ' +
        'name it gave, so a refusal does not tell whether the account exists.',
    }),
    figuresFlushMs: setting({
      name: 'FIGURES_FLUSH_MS',
      type: whole(100, 600_000),
      default: 1000,
      description:
        'How often each instance writes its comparison figures to MongoDB (also on shutdown).',
    }),
  },
);

export function readChallengeConfig(env: EnvReader): ChallengeConfig {
  return Object.freeze(env.values(CHALLENGE_SETTINGS.declared));
}
