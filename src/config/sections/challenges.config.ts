import { EnvReader } from '../env-reader';

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
