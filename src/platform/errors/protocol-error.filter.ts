import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type PageLocale, TrustedHtml, pageLocaleOf } from '../i18n/page-locale';
import { mongo } from 'mongoose';
import { isFailover } from '../database/failover';
import {
  ContentTooLarge,
  InvalidRequest,
  MethodNotAllowed,
  NotFound,
  ProtocolError,
  ServerError,
  TemporarilyUnavailable,
  TooManyRequests,
  UnsupportedMediaType,
} from './protocol-error';
import { answeredByDeadline, recordAnsweredError } from './answered-error';
import { escapeHtml, renderPage } from '../http/html';
import { closingForDrain } from '../http/http-drain';
import {
  type HttpRequest,
  type HttpResponse,
  acceptedType,
  headersSent,
  requestPath,
} from '../http/http-exchange';
import { refusedStaticPath } from '../http/static-files';
import { allowedMethods } from '../http/allowed-methods';

/** What the filter reads of a request: its method and path (never the query). */
interface RequestLine {
  readonly method: string;
  readonly path: string;
  /** The methods other routes take at the path when none takes this one (allowed-methods.ts). */
  readonly allowed?: () => readonly string[];
}

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
    if (isFailover(cause)) return true;
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
 * Fastify's own refusals while it reads a body (`FST_ERR_CTP_*`), as body-parser would have
 * named them, so both platforms answer alike.
 */
function fromFastifyBodyError(e: unknown): BodyParserError | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, statusCode } = e as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_CTP_')) return undefined;
  if (typeof statusCode !== 'number') return undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { type: 'entity.too.large', status: 413 };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { type: 'unsupported.type', status: 415 };
  return { type: code, status: statusCode };
}

/** A refusal of the body by its parser (body-parsers.ts), or by Fastify while reading it. */
function refusedBody(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  return (
    (e as { refusedBody?: unknown }).refusedBody === true || fromFastifyBodyError(e) !== undefined
  );
}

/**
 * A request as a log line names it: method, path (never the query) and the request log's id,
 * which ties the line to that request's own line.
 */
function requestName(request: HttpRequest): string {
  const id = (request as { id?: unknown }).id;
  const suffix = typeof id === 'number' || typeof id === 'string' ? ` (request ${id})` : '';
  return `${request.method} ${requestPath(request)}${suffix}`;
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
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    if (answeredByDeadline(response)) {
      // Its handler ended (often only failing to send its own answer) after the 503 had left.
      this.logger.warn(`${requestName(request)} ended after its deadline: ${describe(exception)}`);
      return;
    }
    const path = requestPath(request);
    const error = this.toProtocolError(exception, {
      method: request.method,
      path,
      allowed: () => allowedMethods(request.server, request.method, path),
    });

    if (error instanceof ServerError) {
      this.logger.error(
        `${requestName(request)} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    } else if (error instanceof TemporarilyUnavailable) {
      this.logger.warn(`${requestName(request)}: ${describe(exception)}`);
    }

    if (headersSent(response)) return;
    // Fastify closes the connection after any body it refused; keep it open (the rest of a body too
    // large is read and dropped by Node, RFC 9112 §9.6 lets either side choose) unless draining.
    if (refusedBody(exception) && !closingForDrain(response)) response.removeHeader('connection');
    const page = this.pageFor(error, request);
    if (page !== undefined) {
      writeErrorHead(response, error);
      response.header('Content-Type', 'text/html; charset=utf-8');
      void response.send(page);
      return;
    }
    sendErrorEnvelope(response, error);
  }

  /**
   * The HTML page a browser reads instead of the envelope, or undefined for the envelope: here a
   * 404 a browser navigated to. A route whose errors a person reads (a page the user was sent to,
   * not an API) extends RefusalPagesFilter with its page (`@UseFilters`).
   */
  protected pageFor(error: ProtocolError, request: HttpRequest): string | undefined {
    return error instanceof NotFound && browserNavigation(request)
      ? notFoundPage(requestPath(request), pageLocaleOf(request.raw))
      : undefined;
  }

  toProtocolError(exception: unknown, request: RequestLine): ProtocolError {
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
    const fastifyBodyError = fromFastifyBodyError(exception);
    if (fastifyBodyError) return fromBodyParser(fastifyBodyError);
    if (refusedStaticPath(exception, request.path)) {
      return new NotFound(`No route for ${request.method} ${request.path}`);
    }
    return new ServerError('An unexpected error occurred');
  }
}

/**
 * The filter of a route whose refusals a person reads (a form a browser posts without script, a
 * link it opens, a page a relying party sent it to): a 4xx to a browser that prefers HTML is
 * `refusalPage`, a page saying why; a script or an API client (JSON, or no Accept) and any 5xx
 * get what every route does. Each such route extends it with its page (`@Catch()`, `@UseFilters`).
 */
export abstract class RefusalPagesFilter extends ProtocolErrorFilter {
  protected abstract refusalPage(error: ProtocolError, request: HttpRequest): string;

  protected override pageFor(error: ProtocolError, request: HttpRequest): string | undefined {
    // `json` first: a wildcard (`*/*`, or no Accept at all) picks it.
    if (error.status < 500 && acceptedType(request, ['json', 'html']) === 'html') {
      return this.refusalPage(error, request);
    }
    return super.pageFor(error, request);
  }

  /**
   * The refused page's language: the `ui_locales` its form sent, else its query's (a link that
   * carries one), else the browser's Accept-Language.
   */
  protected localeOf(request: HttpRequest): PageLocale {
    const sent = [request.body, request.query].map(
      (fields) => (fields as { ui_locales?: unknown } | undefined)?.ui_locales,
    );
    return pageLocaleOf(
      request.raw,
      sent.find((value): value is string => typeof value === 'string'),
    );
  }
}

function writeErrorHead(response: HttpResponse, error: ProtocolError): void {
  recordAnsweredError(response, error.error);
  response.code(error.status);
  response.header('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(error.headers)) response.header(name, value);
}

/**
 * Writes `error` as the `{ error, error_description }` envelope: the filter's answer, and that of
 * the two other writers of one, the request deadline (platform/http/request-deadline.ts), which
 * answers a request no handler has, and Fastify's refusals before routing
 * (platform/http/framework-errors.ts).
 */
export function sendErrorEnvelope(response: HttpResponse, error: ProtocolError): void {
  writeErrorHead(response, error);
  // Explicitly: a route's own @Header('Content-Type', ...) must not relabel the envelope.
  response.header('Content-Type', 'application/json; charset=utf-8');
  void response.send(JSON.stringify({ error: error.error, error_description: error.description }));
}

function fromHttpException(e: HttpException, request: RequestLine) {
  const status = e.getStatus();
  // Nest wraps body-parser failures in a BadRequestException/PayloadTooLargeException.
  if (isBodyParserError(e.cause)) return fromBodyParser(e.cause);
  switch (status) {
    case 400:
      // Our own validation throws InvalidRequest; a BadRequestException comes from Nest's body
      // parsing, whose message is the JSON parser's (safe to classify, not to echo).
      return new InvalidRequest(/JSON/.test(e.message) ? BODY_NOT_JSON : 'The request is invalid');
    case 404:
      return notFound(request);
    case 405:
      // A 405 stays one, with `Allow` (RFC 9110 §15.5.6): the methods the path's routes take.
      return new MethodNotAllowed(
        `${request.method} is not allowed on ${request.path}`,
        request.allowed?.() ?? [],
      );
    case 413:
      return new ContentTooLarge(BODY_TOO_LARGE);
    case 415:
      return new UnsupportedMediaType(UNREAD_TYPE);
    case 429:
      return new TooManyRequests('Too many requests; slow down', 60);
    case 503:
      return new TemporarilyUnavailable('The service is temporarily unavailable');
    default:
      if (status >= 400 && status < 500) return new InvalidRequest('The request is invalid');
      return new ServerError('An unexpected error occurred');
  }
}

/**
 * No route answered: 405 with `Allow` when routes take the path under other methods (RFC 9110
 * §15.5.6), else 404. Never echo the query string: it may hold a code or a token.
 */
function notFound(request: RequestLine): ProtocolError {
  const allowed = request.allowed?.() ?? [];
  if (allowed.length === 0) return new NotFound(`No route for ${request.method} ${request.path}`);
  return new MethodNotAllowed(
    `${request.method} is not allowed on ${request.path}; it takes ${allowed.join(', ')}`,
    allowed,
  );
}

const BODY_TOO_LARGE = 'The request body is too large';
/** The refusal of a JSON body that does not parse. */
export const BODY_NOT_JSON = 'The request body is not valid JSON';
const UNREAD_TYPE =
  'The request body is neither application/x-www-form-urlencoded nor application/json';

function fromBodyParser(e: BodyParserError): ProtocolError {
  switch (e.type) {
    case 'entity.too.large':
      return new ContentTooLarge(BODY_TOO_LARGE);
    case 'parameters.too.many':
      return new ContentTooLarge('The request body has too many fields');
    case 'entity.parse.failed':
      return new InvalidRequest(BODY_NOT_JSON);
    case 'unsupported.type':
      return new UnsupportedMediaType(UNREAD_TYPE);
    case 'encoding.unsupported':
      return new UnsupportedMediaType('The request body must not be compressed (Content-Encoding)');
    case 'charset.unsupported':
      return new UnsupportedMediaType('The request body is not in UTF-8');
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
export function browserNavigation(request: HttpRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  // `json` first: a wildcard (`*/*`, or no Accept at all) picks it.
  return acceptedType(request, ['json', 'html']) === 'html';
}

/** The 404 a browser reads, in its language: what was not found, and the way home. */
function notFoundPage(path: string, locale: PageLocale): string {
  const title = locale.t('not_found.title');
  const code = new TrustedHtml(`<code>${escapeHtml(path)}</code>`);
  return renderPage({
    title,
    narrow: true,
    locale,
    body: `<h1>${escapeHtml(title)}</h1>
<p>${locale.html('not_found.text', { path: code })}</p>
<p><a href="/">${escapeHtml(locale.t('not_found.home'))}</a></p>`,
  });
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
