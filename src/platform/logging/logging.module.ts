import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { AppConfig } from '../../config/app-config';
import { LogDestination, LogDestinationModule } from './log-destination';

/**
 * A URL as it may be logged: the path, and a marker where the query was. Query strings carry
 * authorization codes, `state`, and in callbacks anything a client put there.
 */
export function loggableUrl(url: string | undefined): string {
  const value = url ?? '';
  const query = value.indexOf('?');
  return query < 0 ? value : `${value.slice(0, query)}?[redacted]`;
}

/**
 * The only request headers logged: what helps an operator tell clients apart and debug a body.
 * Authorization, Cookie and CSRF headers carry secrets and are never among them.
 */
const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length'] as const;
const MAX_HEADER_LENGTH = 160;

/** pino-http's own view of a request (pino-std-serializers), which our serializer narrows. */
interface SerializedRequest {
  /** The request itself (pino-std-serializers keeps it, not enumerable). */
  raw?: { ip?: string };
  id?: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
  headers?: Record<string, string | string[] | undefined>;
}

interface SerializedResponse {
  statusCode?: number;
  headers?: Record<string, string | number | string[] | undefined>;
}

function requestView(req: SerializedRequest) {
  const headers: Record<string, string> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    const value = req.headers?.[name];
    if (typeof value === 'string') headers[name] = value.slice(0, MAX_HEADER_LENGTH);
  }
  return {
    id: req.id,
    method: req.method,
    url: loggableUrl(req.url),
    // Express's `req.ip`: the X-Forwarded-For client when TRUST_PROXY trusts the proxy, else the peer.
    remoteAddress: req.raw?.ip ?? req.remoteAddress,
    headers,
  };
}

/**
 * Status and size only. Response headers are not logged at all: Location carries the code and
 * state of every authorization response, Set-Cookie the session, and the security headers are
 * the same long text on every line.
 */
function responseView(res: SerializedResponse) {
  const length = Number(res.headers?.['content-length']);
  return {
    statusCode: res.statusCode,
    ...(Number.isFinite(length) ? { contentLength: length } : {}),
  };
}

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
 * The process's one pino logger, and the request log (pino-http) written through it. Nest's own
 * logger (nestjs-pino) writes through the same logger.
 */
export class RequestLog {
  constructor(
    readonly logger: pino.Logger,
    readonly middleware: RequestHandler,
  ) {}
}

function createRequestLog(config: AppConfig, destination: LogDestination): RequestLog {
  const logger = pino(
    {
      level: config.logLevel,
      hooks: {
        logMethod(args: Parameters<pino.LogFn>, method: pino.LogFn, level: number) {
          if (!isBootChatter(args, level)) method.apply(this, args);
        },
      },
    },
    destination,
  );
  const middleware = pinoHttp({
    logger,
    serializers: { req: requestView, res: responseView },
    autoLogging: {
      // Probes arrive every few seconds; their lines would drown the rest.
      ignore: (req: IncomingMessage) => /^\/health(\/|$)/.test((req.url ?? '').split('?', 1)[0]),
    },
  });
  return new RequestLog(logger, middleware);
}

@Module({
  imports: [LogDestinationModule],
  providers: [
    { provide: RequestLog, inject: [AppConfig, LogDestination], useFactory: createRequestLog },
  ],
  exports: [RequestLog],
})
class RequestLogModule {}

/**
 * Logging: one JSON line per request (pino-http: method, path without its query, status, size,
 * time) and Nest's logger on the same pino logger (nestjs-pino).
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
      // No routes: the request log is applied below, without nestjs-pino's AsyncLocalStorage.
      useFactory: (requestLog: RequestLog) => ({
        pinoHttp: { logger: requestLog.logger },
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule implements NestModule {
  constructor(private readonly requestLog: RequestLog) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.requestLog.middleware).forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
