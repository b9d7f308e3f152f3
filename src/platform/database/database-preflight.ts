import { mongo } from 'mongoose';
import type { DatabaseConfig } from '../../config/app-config';

/**
 * The hosts of a MongoDB URI as `host:port` (comma-separated for a replica set), without the
 * scheme, the credentials, the database or the options: what may be printed about MONGODB_URI.
 */
export function databaseAddress(uri: string): string {
  const authority = uri.replace(/^mongodb(\+srv)?:\/\//, '').split(/[/?]/, 1)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  const srv = uri.startsWith('mongodb+srv://');
  return hosts
    .split(',')
    .map((host) => (srv || /:\d+$/.test(host) ? host : `${host}:27017`))
    .join(',');
}

/**
 * Pings the database once before the service is built, so that a wrong or unreachable
 * MONGODB_URI ends the start-up within the server selection timeout with one line saying so,
 * instead of the connection module's retries and the driver's topology dump. Resolves to that
 * line, or undefined when the database answers.
 */
export async function databaseUnreachable(database: DatabaseConfig): Promise<string | undefined> {
  const client = new mongo.MongoClient(database.uri, {
    appName: 'proofgate',
    serverSelectionTimeoutMS: database.serverSelectionTimeoutMs,
  });
  try {
    await client.db().command({ ping: 1 });
    return undefined;
  } catch (error) {
    const address = databaseAddress(database.uri);
    return (
      `Cannot reach the database at ${address} (MONGODB_URI) within ` +
      `${database.serverSelectionTimeoutMs} ms: ${reason(error)}. Start MongoDB there, or set ` +
      'MONGODB_URI to a reachable one (unset, `npm start` runs an embedded dev database).'
    );
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The driver's first line, with anything shaped like credentials removed. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n', 1)[0] ?? '';
  return line.replace(/\/\/[^@/\s]*@/g, '//').replace(/\.$/, '') || 'no answer';
}
