import { EnvReader } from '../env-reader';
import { type SettingsSection, whole } from '../setting';

/** Lifetimes of the single-use challenges (src/challenges) and how often their figures are saved. */
export abstract class ChallengeConfig {
  abstract readonly authorizationCodeTtlSeconds: number;
  abstract readonly walletNonceTtlSeconds: number;
  /** Both WebAuthn ceremonies' challenges (registration and authentication). */
  abstract readonly webauthnChallengeTtlSeconds: number;
  /** RFC 8628 §3.2 `expires_in`: a device authorization's device and user codes. */
  abstract readonly deviceCodeTtlSeconds: number;
  /** RFC 8628 §3.2 `interval`: the least wait between two polls of /token, whole seconds. */
  abstract readonly deviceCodeIntervalSeconds: number;
  /** How often each instance writes its in-memory figures to MongoDB (and on shutdown). */
  abstract readonly figuresFlushMs: number;
}

export function readChallengeConfig(env: EnvReader): ChallengeConfig {
  return Object.freeze({
    authorizationCodeTtlSeconds: env.int('AUTH_CODE_TTL_SECONDS', 60, { min: 1, max: 600 }),
    walletNonceTtlSeconds: env.int('WALLET_NONCE_TTL_SECONDS', 300, { min: 1, max: 3600 }),
    webauthnChallengeTtlSeconds: env.int('WEBAUTHN_CHALLENGE_TTL_SECONDS', 300, {
      min: 10,
      max: 600,
    }),
    deviceCodeTtlSeconds: env.int('DEVICE_CODE_TTL_SECONDS', 600, { min: 30, max: 1800 }),
    deviceCodeIntervalSeconds: env.int('DEVICE_CODE_INTERVAL_SECONDS', 5, { min: 1, max: 60 }),
    figuresFlushMs: env.int('FIGURES_FLUSH_MS', 1000, { min: 100, max: 600_000 }),
  });
}

/** The settings this section reads, as docs/CONFIGURATION.md states them (`npm run docs:config`). */
export const CHALLENGE_SETTINGS: SettingsSection = {
  title: 'Challenges',
  intro: 'Lifetimes of the single-use challenges, and how often their figures are saved.',
  settings: [
    {
      name: 'AUTH_CODE_TTL_SECONDS',
      type: whole(1, 600),
      default: 60,
      description: 'Authorization code lifetime.',
    },
    {
      name: 'WALLET_NONCE_TTL_SECONDS',
      type: whole(1, 3600),
      default: 300,
      description: 'Lifetime of a wallet sign-in nonce, every chain.',
    },
    {
      name: 'WEBAUTHN_CHALLENGE_TTL_SECONDS',
      type: whole(10, 600),
      default: 300,
      description: 'Lifetime of a passkey registration or sign-in challenge.',
    },
    {
      name: 'DEVICE_CODE_TTL_SECONDS',
      type: whole(30, 1800),
      default: 600,
      description:
        "Lifetime of a device authorization's device and user codes: `expires_in` of `POST " +
        '/device_authorization` (RFC 8628 §3.2).',
    },
    {
      name: 'DEVICE_CODE_INTERVAL_SECONDS',
      type: whole(1, 60),
      default: 5,
      description:
        '`interval` of a device authorization: the least wait between two polls of `/token`, ' +
        'whole seconds; a faster poll gets `slow_down` and 5 s more (RFC 8628 §3.5).',
    },
    {
      name: 'FIGURES_FLUSH_MS',
      type: whole(100, 600_000),
      default: 1000,
      description:
        'How often each instance writes its comparison figures to MongoDB (also on shutdown).',
    },
  ],
};
