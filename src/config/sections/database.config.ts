import { EnvReader } from '../env-reader';
import { mongoUri } from '../env-parsers';
import { ServerConfig } from './server.config';
import { setting, settingsSection, text, whole } from '../setting';

export abstract class DatabaseConfig {
  abstract readonly uri: string;
  /** How long an operation waits for a reachable server before the request is answered 503. */
  abstract readonly serverSelectionTimeoutMs: number;
  /** How long a starting instance waits for another's migrations before it gives up. */
  abstract readonly migrationsWaitSeconds: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const DATABASE_SETTINGS = settingsSection(
  'Database',
  'The MongoDB deployment the service keeps its state in.',
  {
    uri: setting({
      name: 'MONGODB_URI',
      type: text('a `mongodb://` or `mongodb+srv://` URI', mongoUri),
      default: { unset: 'the embedded dev database that `npm start` runs (data in `.data/`)' },
      description:
        'MongoDB connection string; required in production. [Deployment](DEPLOYMENT.md) has the ' +
        'options that matter (replica set, write concern `majority`).',
    }),
    serverSelectionTimeoutMs: setting({
      name: 'MONGODB_SERVER_SELECTION_TIMEOUT_MS',
      type: whole(100, 60_000),
      default: 3000,
      description:
        'How long a request waits for a reachable database server before it is answered `503 ' +
        'temporarily_unavailable`.',
    }),
    migrationsWaitSeconds: setting({
      name: 'MIGRATIONS_WAIT_SECONDS',
      type: whole(1, 3600),
      default: 300,
      description:
        'How long a starting instance waits, serving nothing, while another instance runs the ' +
        "database's migrations ([Deployment](DEPLOYMENT.md#upgrading-a-fleet)); past it the start " +
        'ends with one line naming the instance that holds the migration lease.',
    }),
  },
);

export function readDatabaseConfig(env: EnvReader, server: ServerConfig): DatabaseConfig {
  const uri = env.get(DATABASE_SETTINGS.declared.uri, '');
  if (!env.isSet(DATABASE_SETTINGS.declared.uri)) {
    env.problem(
      server.isProduction
        ? 'MONGODB_URI is required when NODE_ENV=production'
        : 'MONGODB_URI is not set (use `npm start`, which starts an embedded dev database)',
    );
  }
  return Object.freeze({
    uri,
    serverSelectionTimeoutMs: env.get(DATABASE_SETTINGS.declared.serverSelectionTimeoutMs),
    migrationsWaitSeconds: env.get(DATABASE_SETTINGS.declared.migrationsWaitSeconds),
  });
}
