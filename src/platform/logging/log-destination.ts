import { Module } from '@nestjs/common';
import pino from 'pino';
import type { DestinationStream } from 'pino';
import { ServerConfig } from '../../config/sections/server.config';

/**
 * Where log lines are written: standard output in the service. An injection token of its own so
 * that a test can put a capturing stream in its place and read exactly what an operator would.
 */
export abstract class LogDestination implements DestinationStream {
  abstract write(line: string): void;
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

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
        messageFormat:
          '{if context}[{context}] {end}{if req}{req.method} {req.url} {res.statusCode} {responseTime} ms: {end}{msg}',
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
