import type pino from 'pino';
import { type HttpRequest, type HttpResponse, requestPath } from '../http/http-exchange';
import type { RequestStep } from '../http/in-sequence';

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

/** Requests whose lines would drown the rest: probes arrive every few seconds. */
const UNLOGGED_PATHS = /^\/health(\/|$)/;

function requestView(req: HttpRequest, id: number) {
  const headers: Record<string, string> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value.slice(0, MAX_HEADER_LENGTH);
  }
  return {
    id,
    method: req.method,
    url: loggableUrl(req.url),
    // `req.ip`: the X-Forwarded-For client when TRUST_PROXY trusts the proxy, else the peer.
    remoteAddress: req.ip,
    headers,
  };
}

/**
 * Status and size only. Response headers are not logged at all: Location carries the code and
 * state of every authorization response, Set-Cookie the session, and the security headers are
 * the same long text on every line.
 */
function responseView(res: HttpResponse) {
  // Fastify writes its headers with writeHead: they are the reply's, not the raw response's.
  const length = Number(res.getHeader('content-length') ?? res.raw.getHeader('content-length'));
  return {
    statusCode: res.raw.statusCode,
    ...(Number.isFinite(length) ? { contentLength: length } : {}),
  };
}

/**
 * One line per request at `info` once it is answered (`request completed`, or `request aborted`
 * when the client left first): the request as `req` (id, method, path with the query redacted,
 * client address, three harmless headers), the response as `res` (status and size) and
 * `responseTime` in ms, and with tracing on the request's `trace_id`. Every request gets a number
 * (`req.id`) that other lines can name.
 *
 * Written here rather than with pino-http, which builds a child logger and serialises the request
 * for every request before it knows whether a line will be written: about a sixth of a nonce
 * issue's CPU time at LOG_LEVEL=warn (`npm run bench:ab`). Above `info`, this costs a counter.
 */
export function requestLog(
  logger: pino.Logger,
  /** With tracing on: the trace id of the request's server span, written as `trace_id`. */
  traceIdOf?: () => string | undefined,
): RequestStep<HttpRequest, HttpResponse> {
  let lastId = 0;
  return (req, res, next) => {
    lastId = lastId === Number.MAX_SAFE_INTEGER ? 1 : lastId + 1;
    const id = lastId;
    (req as unknown as { id?: number }).id = id;
    if (logger.isLevelEnabled('info') && !UNLOGGED_PATHS.test(requestPath(req))) {
      const started = performance.now();
      // Read now: the server span is the active one while the request is being routed.
      const traceId = traceIdOf?.();
      res.raw.once('close', () => {
        logger.info(
          {
            ...(traceId === undefined ? {} : { trace_id: traceId }),
            req: requestView(req, id),
            res: responseView(res),
            responseTime: Math.round(performance.now() - started),
          },
          res.raw.writableFinished ? 'request completed' : 'request aborted',
        );
      });
    }
    next();
  };
}
