import { EnvReader } from '../env-reader';
import { mongoUri } from '../env-parsers';
import { ServerConfig } from './server.config';
import { type SettingsSection, text, whole } from '../setting';

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

/** The settings this section reads, as docs/CONFIGURATION.md states them (`npm run docs:config`). */
export const DATABASE_SETTINGS: SettingsSection = {
  title: 'Database',
  intro: 'The MongoDB deployment the service keeps its state in.',
  settings: [
    {
      name: 'MONGODB_URI',
      type: text('a `mongodb://` or `mongodb+srv://` URI'),
      default: { unset: 'the embedded dev database that `npm start` runs (data in `.data/`)' },
      description:
        'MongoDB connection string; required in production. [Deployment](DEPLOYMENT.md) has the ' +
        'options that matter (replica set, write concern `majority`).',
    },
    {
      name: 'MONGODB_SERVER_SELECTION_TIMEOUT_MS',
      type: whole(100, 60_000),
      default: 3000,
      description:
        'How long a request waits for a reachable database server before it is answered `503 ' +
        'temporarily_unavailable`.',
    },
  ],
};
