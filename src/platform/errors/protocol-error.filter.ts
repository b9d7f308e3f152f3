import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { mongo } from 'mongoose';
import {
  InvalidRequest,
  NotFound,
  ProtocolError,
  ServerError,
  TemporarilyUnavailable,
  TooManyRequests,
} from './protocol-error';
import { answeredByDeadline, recordAnsweredError } from './answered-error';
import { escapeHtml, renderPage } from '../http/html';

/** Driver errors that mean "the database cannot be reached right now", not a bug. */
const DATABASE_UNAVAILABLE: ReadonlyArray<new (...args: never[]) => Error> = [
  mongo.MongoNetworkError,
  mongo.MongoServerSelectionError,
  mongo.MongoNotConnectedError,
  mongo.MongoTopologyClosedError,
];

/**
 * Socket failures, as Node reports them (`error.code`). The database driver lets some through
 * unwrapped: a command written just after the server closed the connection fails with Node's
 * own `EPIPE` ("This socket has been ended by the other party"), not a MongoNetworkError (seen
 * with mongodb 7.8 in the fleet test, the database stopped mid-flight). A lost connection is an
 * outage to retry after, never a bug of the request.
 */
const SOCKET_FAILURES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The error itself, then what it wraps: a bulk write (`bulkWrite`, `insertMany`) that could not
 * reach the server throws a MongoBulkWriteError (a MongoServerError) holding the driver's network
 * or server-selection error as its `errorResponse` (mongodb 7.x lib/bulk/common.js; seen in the
 * fleet test: `POST /login` recording a login with the database stopped).
 */
function* causes(e: unknown): Generator<unknown> {
  let current = e;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    yield current;
    const wrapped =
      current instanceof mongo.MongoBulkWriteError
        ? (current as { errorResponse?: unknown }).errorResponse
        : current.cause;
    if (wrapped === current) return;
    current = wrapped;
  }
}

function isDatabaseUnavailable(e: unknown): boolean {
  for (const cause of causes(e)) {
    if (DATABASE_UNAVAILABLE.some((type) => cause instanceof type)) return true;
  }
  return false;
}

function isSocketFailure(e: unknown): boolean {
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  return code !== undefined && SOCKET_FAILURES.has(code);
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as BodyParserError).type === 'string' &&
    typeof (e as BodyParserError).status === 'number'
  );
}

/**
 * A request as a log line names it: method, path (never the query) and the request log's id,
 * which ties the line to that request's own line.
 */
function requestName(request: Request): string {
  const id = (request as { id?: unknown }).id;
  const suffix = typeof id === 'number' || typeof id === 'string' ? ` (request ${id})` : '';
  return `${request.method} ${request.path}${suffix}`;
}

/**
 * The one place where errors become responses: `{ error, error_description }` with the right
 * status. Client mistakes keep their 4xx; a database outage is a 503; anything unexpected is a
 * generic 500 whose cause goes to the log only.
 */
@Catch()
export class ProtocolErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProtocolErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (answeredByDeadline(response)) {
      // Its handler ended (often only failing to send its own answer) after the 503 had left.
      this.logger.warn(`${requestName(request)} ended after its deadline: ${describe(exception)}`);
      return;
    }
    const error = this.toProtocolError(exception, request);

    if (error instanceof ServerError) {
      this.logger.error(
        `${requestName(request)} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    } else if (error instanceof TemporarilyUnavailable) {
      this.logger.warn(`${requestName(request)}: ${describe(exception)}`);
    }

    if (response.headersSent) return;
    if (error instanceof NotFound && browserNavigation(request)) {
      writeErrorHead(response, error);
      response.type('text/html');
      response.send(notFoundPage(request.path));
      return;
    }
    sendErrorEnvelope(response, error);
  }

  toProtocolError(exception: unknown, request: Pick<Request, 'method' | 'path'>): ProtocolError {
    if (exception instanceof ProtocolError) return exception;
    if (isDatabaseUnavailable(exception)) {
      return new TemporarilyUnavailable('The database is unavailable; retry shortly');
    }
    if (isSocketFailure(exception)) {
      return new TemporarilyUnavailable('A connection the service needs was lost; retry shortly');
    }
    if (exception instanceof HttpException) {
      return fromHttpException(exception, request);
    }
    if (isBodyParserError(exception)) {
      return fromBodyParser(exception);
    }
    return new ServerError('An unexpected error occurred');
  }
}

function writeErrorHead(response: Response, error: ProtocolError): void {
  recordAnsweredError(response, error.error);
  response.status(error.status);
  response.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
}

/**
 * Writes `error` as the `{ error, error_description }` envelope: the filter's answer, and the
 * only other writer of one is the request deadline (platform/http/request-deadline.ts), which
 * answers a request no handler has.
 */
export function sendErrorEnvelope(response: Response, error: ProtocolError): void {
  writeErrorHead(response, error);
  // Explicitly: a route's own @Header('Content-Type', ...) must not relabel the envelope.
  response.type('application/json');
  response.json({ error: error.error, error_description: error.description });
}

function fromHttpException(e: HttpException, request: Pick<Request, 'method' | 'path'>) {
  const status = e.getStatus();
  // Nest wraps body-parser failures in a BadRequestException/PayloadTooLargeException.
  if (isBodyParserError(e.cause)) return fromBodyParser(e.cause);
  switch (status) {
    case 400:
      // Our own validation throws InvalidRequest; a BadRequestException comes from Nest's body
      // parsing, whose message is the JSON parser's (safe to classify, not to echo).
      return new InvalidRequest(
        /JSON/.test(e.message) ? 'The request body is not valid JSON' : 'The request is invalid',
      );
    case 404:
      // Never echo the query string: it may hold a code or a token.
      return new NotFound(`No route for ${request.method} ${request.path}`);
    case 405:
      return new InvalidRequest(`Method ${request.method} is not allowed here`);
    case 413:
      return new InvalidRequest('The request body is too large');
    case 415:
      return new InvalidRequest('Unsupported content type');
    case 429:
      return new TooManyRequests('Too many requests; slow down', 60);
    case 503:
      return new TemporarilyUnavailable('The service is temporarily unavailable');
    default:
      if (status >= 400 && status < 500) return new InvalidRequest('The request is invalid');
      return new ServerError('An unexpected error occurred');
  }
}

function fromBodyParser(e: BodyParserError): ProtocolError {
  switch (e.type) {
    case 'entity.too.large':
      return new InvalidRequest('The request body is too large');
    case 'entity.parse.failed':
      return new InvalidRequest('The request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new InvalidRequest('Unsupported request body encoding');
    default:
      return e.status < 500
        ? new InvalidRequest('The request body could not be read')
        : new ServerError('An unexpected error occurred');
  }
}

/**
 * A browser following a link or typing an address: GET or HEAD, preferring HTML to JSON. API
 * clients (`Accept: application/json`, any type, or no Accept header) keep the JSON envelope.
 */
function browserNavigation(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  // `json` first: a wildcard (`*/*`, or no Accept at all) picks it.
  return request.accepts(['json', 'html']) === 'html';
}

/** The 404 a browser reads: what was not found, and the way home. */
function notFoundPage(path: string): string {
  return renderPage({
    title: 'Not found',
    narrow: true,
    body: `<h1>Not found</h1>
<p>There is no page at <code>${escapeHtml(path)}</code> on this instance.</p>
<p><a href="/">Proofgate home</a></p>`,
  });
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
