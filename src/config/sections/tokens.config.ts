import { randomBytes } from 'node:crypto';
import { resourceUri } from '../env-parsers';
import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';
import { setting, settingsSection, choice, text, whole } from '../setting';
import { SIGNING_ALGS, type SigningAlg } from '../../protocol-rules/signing-algs';

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

/** The settings this section reads, each declared once for its reader and the reference. */
export const TOKEN_SETTINGS = settingsSection(
  'Tokens',
  'Signing keys, access tokens and refresh tokens.',
  {
    keyEncryptionSecret: setting({
      name: 'KEY_ENCRYPTION_SECRET',
      type: text('a secret of 32 characters or more'),
      default: {
        unset:
          "`npm start` uses its data folder's own; anything else gets a random one per process",
      },
      description:
        'Encrypts the signing keys stored in MongoDB and keys refresh-token derivation. Required ' +
        'in production, and by `proofgate-admin`. Unset outside production, `npm start` uses the ' +
        'secret it generated once for its data folder (`PROOFGATE_DATA_DIR`, file ' +
        '`key-encryption-secret`, mode `0600`; a folder whose database predates this keeps the ' +
        'former built-in secret, written there); anything else started without it gets a random ' +
        'one per process (tests).',
    }),
    signingAlg: setting({
      name: 'TOKEN_SIGNING_ALG',
      type: choice(SIGNING_ALGS),
      default: 'ES256',
      description:
        'The algorithm of the access tokens, and of the ID tokens and logout tokens of a client ' +
        "that registered no `id_token_signed_response_alg` (an operator's client; a client " +
        "that registers itself gets RS256, OpenID Connect Registration §2's default). " +
        '`/jwks.json` publishes a key of each alg either way: OpenID Connect Discovery §3 ' +
        'requires RS256 of every OpenID provider.',
    }),
    accessTokenTtlSeconds: setting({
      name: 'ACCESS_TOKEN_TTL_SECONDS',
      type: whole(30, 86_400),
      default: 900,
      description: 'Access token lifetime.',
    }),
    audience: setting({
      name: 'ACCESS_TOKEN_AUDIENCE',
      type: text('an absolute URI (RFC 8707)', resourceUri),
      default: { unset: '`<ISSUER>/api`' },
      description:
        '`aud` of access tokens when no other `resource` is asked for (RFC 8707); the resource ' +
        '`/api` is, which every client may use. Its RFC 9728 metadata (`/.well-known/' +
        'oauth-protected-resource/api`) names this as its `resource`: another value than the ' +
        'default is not the URL a client derives that document from, and a client that checks ' +
        '(RFC 9728 §3.3; MCP clients do) will not use it to discover `/api`.',
    }),
    refreshTokenTtlSeconds: setting({
      name: 'REFRESH_TOKEN_TTL_SECONDS',
      type: whole(60, 365 * 86_400),
      default: 30 * 86_400,
      defaultNote: '(30 days)',
      description: 'Absolute lifetime of a refresh-token family, from the login that started it.',
    }),
    refreshGraceSeconds: setting({
      name: 'REFRESH_TOKEN_GRACE_SECONDS',
      type: whole(0, 120),
      default: 60,
      description:
        'Window in which the previous refresh token may be retried (same successor, no ' +
        'revocation): a client that lost the response retries with the token it still has (FAPI ' +
        '2.0 Security Profile §5.3.2.1-9; the OpenID conformance suite retries after 30 s).',
    }),
    refreshGraceRetries: setting({
      name: 'REFRESH_TOKEN_GRACE_RETRIES',
      type: whole(0, 100),
      default: 5,
      description:
        'How many retries of the previous refresh token the grace window answers (same client ' +
        'only).',
    }),
  },
);

export function readTokenConfig(env: EnvReader, server: ServerConfig): TokenConfig {
  const keyEncryptionSecret = env.get(TOKEN_SETTINGS.declared.keyEncryptionSecret, undefined);
  if (keyEncryptionSecret === undefined && server.isProduction) {
    env.problem('KEY_ENCRYPTION_SECRET is required when NODE_ENV=production');
  }
  if (keyEncryptionSecret !== undefined && keyEncryptionSecret.length < 32) {
    env.problem('KEY_ENCRYPTION_SECRET must be at least 32 characters');
  }
  return Object.freeze({
    signingAlg: env.get(TOKEN_SETTINGS.declared.signingAlg),
    keyEncryptionSecret: keyEncryptionSecret ?? PROCESS_KEY_ENCRYPTION_SECRET,
    accessTokenTtlSeconds: env.get(TOKEN_SETTINGS.declared.accessTokenTtlSeconds),
    audience: env.get(TOKEN_SETTINGS.declared.audience, `${server.issuer}/api`),
    refreshTokenTtlSeconds: env.get(TOKEN_SETTINGS.declared.refreshTokenTtlSeconds),
    refreshGraceSeconds: env.get(TOKEN_SETTINGS.declared.refreshGraceSeconds),
    refreshGraceRetries: env.get(TOKEN_SETTINGS.declared.refreshGraceRetries),
  });
}
