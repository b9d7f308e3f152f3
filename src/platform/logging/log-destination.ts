import { Module } from '@nestjs/common';
import pino from 'pino';
import type { DestinationStream } from 'pino';
import { ServerConfig } from '../../config/sections/server.config';
import { visible } from '../text/visible';

/**
 * Where log lines are written: standard output in the service. An injection token of its own so
 * that a test can put a capturing stream in its place and read exactly what an operator would.
 */
export abstract class LogDestination implements DestinationStream {
  abstract write(line: string): void;
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/** The fields of a record that its development line shows. */
interface PrettyRecord {
  readonly context?: string;
  readonly req?: { readonly method?: string; readonly url?: string };
  readonly res?: { readonly statusCode?: number };
  readonly responseTime?: number;
  readonly msg?: string | number | boolean;
}

/**
 * A record's development line after its time and level: `[context] GET /path 200 5 ms: message`.
 * Its controls and format characters are written out (`\u{a}`): a message may carry what a
 * request sent (an unknown provider's id from the path), and a line break in it would print a
 * second, forged line. pino-pretty strips most controls but keeps line breaks and U+202E.
 */
export function prettyMessage(record: PrettyRecord): string {
  const context = record.context === undefined ? '' : `[${record.context}] `;
  const { req, res } = record;
  const request =
    req === undefined
      ? ''
      : `${req.method ?? ''} ${req.url ?? ''} ${res?.statusCode ?? ''} ${record.responseTime ?? ''} ms: `;
  return visible(`${context}${request}${record.msg ?? ''}`);
}

/**
 * What JSON leaves raw that a log viewer may still act on: DEL and the C1 controls (U+0085 is a
 * line break to some), format characters (U+202E reorders what follows it, U+200B hides) and
 * U+2028/U+2029.
 */
const RAW_IN_JSON = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/**
 * A JSON log line with those characters escaped (`\u202e`): the line parses to the same record,
 * and a value a request sent (a path, a provider's id) cannot reorder or break it on a screen.
 * JSON.stringify already escapes C0 controls, so a line break never reaches a line raw.
 */
export function escapeRawCharacters(line: string): string {
  // All ASCII but DEL (most lines): nothing to escape. Counting its UTF-8 bytes takes a third of
  // a regex's time.
  if (Buffer.byteLength(line, 'utf8') === line.length && !line.includes('\u007f')) return line;
  return line.replace(RAW_IN_JSON, (character) => {
    let escaped = '';
    // An astral format character (U+E0001 LANGUAGE TAG) is two UTF-16 units, two escapes.
    for (let unit = 0; unit < character.length; unit += 1) {
      escaped += `\\u${character.charCodeAt(unit).toString(16).padStart(4, '0')}`;
    }
    return escaped;
  });
}

/**
 * Development: one readable line per record through pino-pretty (a development dependency, so a
 * production install without it falls back to JSON). Production and tests: JSON lines.
 */
export function logDestination(
  server: Pick<ServerConfig, 'nodeEnv'>,
  /** Where the pretty lines go: standard output, or a test's stream. */
  output: number | NodeJS.WritableStream = 1,
): DestinationStream {
  if (server.nodeEnv === 'development') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pretty = require('pino-pretty') as PrettyFactory;
      return pretty({
        colorize: process.stdout.isTTY === true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,context,req,res,responseTime',
        messageFormat: prettyMessage,
        singleLine: true,
        sync: true,
        destination: output,
      });
    } catch {
      // pino-pretty not installed: JSON it is.
    }
  }
  return pino.destination();
}

@Module({
  providers: [
    {
      provide: LogDestination,
      inject: [ServerConfig],
      useFactory: (server: ServerConfig) => logDestination(server),
    },
  ],
  exports: [LogDestination],
})
export class LogDestinationModule {}
