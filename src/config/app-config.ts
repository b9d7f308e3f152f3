import { ConfigError, Env, httpUrl, int, mongoUri, oneOf, str } from './env-parsers';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DatabaseConfig {
  readonly uri: string;
  /** How long an operation waits for a reachable server before the request is answered 503. */
  readonly serverSelectionTimeoutMs: number;
}

export interface ChallengeConfig {
  readonly authorizationCodeTtlSeconds: number;
  readonly walletNonceTtlSeconds: number;
}

/**
 * The service's typed, validated configuration. `AppConfig.fromEnv` is the only code that reads
 * environment variables; everything else injects `AppConfig`.
 */
export class AppConfig {
  readonly nodeEnv!: NodeEnv;
  readonly host!: string;
  readonly port!: number;
  readonly issuer!: string;
  readonly logLevel!: LogLevel;
  readonly database!: DatabaseConfig;
  readonly challenges!: ChallengeConfig;

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  static fromEnv(env: Env): AppConfig {
    const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
    const port = int(env, 'PORT', 25000, { min: 0, max: 65535 });
    const uri = mongoUri(env, 'MONGODB_URI');
    if (uri === undefined) {
      throw new ConfigError(
        nodeEnv === 'production'
          ? 'MONGODB_URI is required when NODE_ENV=production'
          : 'MONGODB_URI is not set (use `npm start`, which starts an embedded dev database)',
      );
    }
    return Object.assign(new AppConfig(), {
      nodeEnv,
      host: str(env, 'HOST', '127.0.0.1'),
      port,
      issuer: httpUrl(env, 'ISSUER', `http://localhost:${port}`),
      logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
      database: {
        uri,
        serverSelectionTimeoutMs: int(env, 'MONGODB_SERVER_SELECTION_TIMEOUT_MS', 3000, {
          min: 100,
          max: 60_000,
        }),
      },
      challenges: {
        authorizationCodeTtlSeconds: int(env, 'AUTH_CODE_TTL_SECONDS', 60, { min: 1, max: 600 }),
        walletNonceTtlSeconds: int(env, 'WALLET_NONCE_TTL_SECONDS', 300, { min: 1, max: 3600 }),
      },
    });
  }
}
