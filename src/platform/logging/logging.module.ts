import { Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { LogDestination, LogDestinationModule } from './log-destination';

/** Request paths only: query strings can carry codes, states and tokens. */
function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?', 1)[0];
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [LogDestinationModule],
      inject: [AppConfig, LogDestination],
      useFactory: (config: AppConfig, destination: LogDestination) => ({
        pinoHttp: [
          {
            level: config.logLevel,
            // Secrets travel in these; they never reach a log line.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["x-csrf-token"]',
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: IncomingMessage & { id?: unknown; remoteAddress?: string }) => ({
                id: req.id,
                method: req.method,
                url: pathOnly(req.url),
              }),
            },
            autoLogging: { ignore: (req: IncomingMessage) => pathOnly(req.url) === '/health' },
          },
          destination,
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
