import { connect } from 'node:net';
import { mongo } from 'mongoose';
import type { DatabaseConfig } from '../../config/sections/database.config';

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
  const refused = await refusedEverywhere(database);
  if (refused) return unreachableLine(database, refused);
  const client = new mongo.MongoClient(database.uri, {
    appName: 'proofgate',
    serverSelectionTimeoutMS: database.serverSelectionTimeoutMs,
  });
  try {
    await client.db().command({ ping: 1 });
    return undefined;
  } catch (error) {
    return unreachableLine(
      database,
      `within ${database.serverSelectionTimeoutMs} ms: ${reason(error)}`,
    );
  } finally {
    await client.close().catch(() => undefined);
  }
}

function unreachableLine(database: DatabaseConfig, why: string): string {
  return (
    `Cannot reach the database at ${databaseAddress(database.uri)} (MONGODB_URI) ${why}. Start ` +
    'MongoDB there, or set MONGODB_URI to a reachable one (unset, `npm start` runs an embedded ' +
    'dev database).'
  );
}

/** Errors that say no server can be there, as opposed to one that is slow to answer. */
const NOBODY_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A `mongodb://` URI whose every host refuses the connection (or does not resolve) cannot be
 * served: say so at once, instead of after the driver's whole server selection timeout. Resolves
 * to the reason, or undefined when any host accepts, is slow, or the URI is `mongodb+srv://`
 * (whose hosts come from DNS: the driver's ping decides).
 */
async function refusedEverywhere(database: DatabaseConfig): Promise<string | undefined> {
  if (!database.uri.startsWith('mongodb://')) return undefined;
  const hosts = databaseAddress(database.uri).split(',');
  const answers = await Promise.all(
    hosts.map((address) => connectionError(address, database.serverSelectionTimeoutMs)),
  );
  if (!answers.every((code) => code !== undefined && NOBODY_THERE.has(code))) return undefined;
  return `at once: ${answers[0] === 'ECONNREFUSED' ? 'connection refused' : `no such host (${answers[0]})`}`;
}

/** The error code of a TCP connection to `host:port`, or undefined when it opens or times out. */
function connectionError(address: string, timeoutMs: number): Promise<string | undefined> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (code: string | undefined) => {
      socket.destroy();
      resolve(code);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
}

/** The driver's first line, with anything shaped like credentials removed. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n', 1)[0] ?? '';
  return line.replace(/\/\/[^@/\s]*@/g, '//').replace(/\.$/, '') || 'no answer';
}
