import { randomBytes } from 'node:crypto';
import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';

export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/**
 * KEY_ENCRYPTION_SECRET of a process started without one outside production: random, and the
 * same for every configuration this process reads (tests boot several apps on one database).
 * `npm start` never relies on it: it hands the service its data folder's own secret
 * (tools/dev-data.js). Keys sealed with it cannot be opened by another process, so a process
 * that must share a database with others (the admin CLI) requires the variable instead. A
 * production boot without KEY_ENCRYPTION_SECRET is refused.
 */
const PROCESS_KEY_ENCRYPTION_SECRET = randomBytes(32).toString('base64url');

export abstract class TokenConfig {
  abstract readonly signingAlg: SigningAlg;
  /** Encrypts the private signing keys stored in MongoDB. */
  abstract readonly keyEncryptionSecret: string;
  abstract readonly accessTokenTtlSeconds: number;
  /** `aud` of access tokens (RFC 9068): the protected API. */
  abstract readonly audience: string;
  /** Absolute lifetime of a refresh-token family, from the login that started it. */
  abstract readonly refreshTokenTtlSeconds: number;
  /**
   * How long the immediately previous refresh token may be retried (same answer, no alarm).
   * FAPI 2.0 Security Profile §5.3.2.1-9 allows rotation only if a client that lost the response
   * can retry with the previous token; the conformance suite retries 30 s after the rotation
   * (fapi2-security-profile-final-refresh-token), hence the 60 s default.
   */
  abstract readonly refreshGraceSeconds: number;
  /** How many retries of the previous refresh token the grace window answers (same client only). */
  abstract readonly refreshGraceRetries: number;
}

export function readTokenConfig(env: EnvReader, server: ServerConfig): TokenConfig {
  const keyEncryptionSecret = env.str('KEY_ENCRYPTION_SECRET');
  if (keyEncryptionSecret === undefined && server.isProduction) {
    env.problem('KEY_ENCRYPTION_SECRET is required when NODE_ENV=production');
  }
  if (keyEncryptionSecret !== undefined && keyEncryptionSecret.length < 32) {
    env.problem('KEY_ENCRYPTION_SECRET must be at least 32 characters');
  }
  return Object.freeze({
    signingAlg: env.oneOf('TOKEN_SIGNING_ALG', SIGNING_ALGS, 'ES256'),
    keyEncryptionSecret: keyEncryptionSecret ?? PROCESS_KEY_ENCRYPTION_SECRET,
    accessTokenTtlSeconds: env.int('ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 86_400 }),
    audience: env.str('ACCESS_TOKEN_AUDIENCE', `${server.issuer}/api`),
    refreshTokenTtlSeconds: env.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, {
      min: 60,
      max: 365 * 86_400,
    }),
    refreshGraceSeconds: env.int('REFRESH_TOKEN_GRACE_SECONDS', 60, { min: 0, max: 120 }),
    refreshGraceRetries: env.int('REFRESH_TOKEN_GRACE_RETRIES', 5, { min: 0, max: 100 }),
  });
}
