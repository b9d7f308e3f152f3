import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { hostname } from 'node:os';
import pino from 'pino';
import { SERVER_NAME } from '../version';
import { ServerConfig } from '../../config/sections/server.config';
import { escapeRawCharacters, LogDestination, LogDestinationModule } from './log-destination';
import { requestLog } from './request-log';
import type { HttpRequest, HttpResponse } from '../http/http-exchange';
import type { RequestStep } from '../http/in-sequence';
import { activeTraceId, tracingEnabled } from '../tracing/tracing';

/**
 * Nest's own start-up chatter ("InstanceLoader ... dependencies initialized", one line per route
 * mapped): dropped at info level so that a start shows what matters. Their warnings still show.
 */
const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);
const INFO = 30;

function isBootChatter(args: unknown[], level: number): boolean {
  const first = args[0];
  const context =
    typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : '';
  return level === INFO && typeof context === 'string' && NEST_BOOT_CONTEXTS.has(context);
}

/**
 * The process's one pino logger, and the request log written through it. Nest's own logger
 * (nestjs-pino) writes through the same logger.
 */
export class RequestLog {
  constructor(
    readonly logger: pino.Logger,
    readonly step: RequestStep<HttpRequest, HttpResponse>,
  ) {}
}

/**
 * The process's one pino logger's shape: the level, the fields every line carries and the boot
 * chatter dropped. The start's steps before the modules load (the migrations) write through one of
 * their own made so, to the same destination.
 */
export function processLogger(server: ServerConfig, destination: LogDestination): pino.Logger {
  return pino(
    {
      level: server.logLevel,
      // Every line names the release that wrote it (pino's own pid and hostname kept).
      base: { pid: process.pid, hostname: hostname(), server: SERVER_NAME },
      hooks: {
        logMethod(args: Parameters<pino.LogFn>, method: pino.LogFn, level: number) {
          if (!isBootChatter(args, level)) method.apply(this, args);
        },
        // Format characters and U+2028 a request sent stay escaped on the way to the viewer.
        streamWrite: escapeRawCharacters,
      },
    },
    destination,
  );
}

function createRequestLog(server: ServerConfig, destination: LogDestination): RequestLog {
  const logger = processLogger(server, destination);
  return new RequestLog(logger, requestLog(logger, tracingEnabled() ? activeTraceId : undefined));
}

@Module({
  imports: [LogDestinationModule],
  providers: [
    { provide: RequestLog, inject: [ServerConfig, LogDestination], useFactory: createRequestLog },
  ],
  exports: [RequestLog],
})
class RequestLogModule {}

/**
 * Logging: one JSON line per request (`request-log.ts`: method, path without its query, status,
 * size, time) and Nest's logger on the same pino logger (nestjs-pino; `pinoHttp` below only hands
 * it that logger).
 *
 * nestjs-pino's own request middleware is not used. Besides pino-http, it runs every request
 * inside an AsyncLocalStorage, so that lines logged during a request carry that request; on
 * Node 20 that turns on promise hooks for every promise of the process, about a tenth of a code
 * exchange's CPU time (`npm run bench:ab`). Lines logged during a request therefore carry their
 * context explicitly where it matters (the error filter names the request's method, path and id).
 */
@Module({
  imports: [
    RequestLogModule,
    LoggerModule.forRootAsync({
      imports: [RequestLogModule],
      inject: [RequestLog],
      // No routes: `configureApp` applies the request log, without nestjs-pino's AsyncLocalStorage.
      useFactory: (requestLog: RequestLog) => ({
        pinoHttp: { logger: requestLog.logger },
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
