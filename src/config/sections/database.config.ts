import { EnvReader } from '../env-reader';
import { mongoUri } from '../env-parsers';
import { ServerConfig } from './server.config';

export abstract class DatabaseConfig {
  abstract readonly uri: string;
  /** How long an operation waits for a reachable server before the request is answered 503. */
  abstract readonly serverSelectionTimeoutMs: number;
}

export function readDatabaseConfig(env: EnvReader, server: ServerConfig): DatabaseConfig {
  const uri = env.read((e) => mongoUri(e, 'MONGODB_URI'), '');
  if (uri === undefined) {
    env.problem(
      server.isProduction
        ? 'MONGODB_URI is required when NODE_ENV=production'
        : 'MONGODB_URI is not set (use `npm start`, which starts an embedded dev database)',
    );
  }
  return Object.freeze({
    uri: uri ?? '',
    serverSelectionTimeoutMs: env.int('MONGODB_SERVER_SELECTION_TIMEOUT_MS', 3000, {
      min: 100,
      max: 60_000,
    }),
  });
}
