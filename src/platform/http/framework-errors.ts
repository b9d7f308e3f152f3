import type { FastifyError } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { sendErrorEnvelope } from '../errors/protocol-error.filter';
import {
  InvalidRequest,
  ServerError,
  UriTooLong,
  type ProtocolError,
} from '../errors/protocol-error';
import { type HttpRequest, type HttpResponse, headersSent } from './http-exchange';
import type { RequestStep } from './in-sequence';

/** The longest path parameter a route takes (Fastify's default is 100 characters). */
export const MAX_PATH_PARAMETER_LENGTH = 2048;

type Pipeline = RequestStep<HttpRequest, HttpResponse>;

/** Each app's request pipeline, by its Fastify instance (tests run several apps in a process). */
const pipelines = new WeakMap<object, Pipeline>();

/**
 * Runs `pipeline` (what every request passes: the request log, the security headers, CORS, ...)
 * before the answers of `answerFrameworkError` too, which no Fastify hook reaches.
 */
export function runBeforeFrameworkErrors(server: object, pipeline: Pipeline): void {
  pipelines.set(server, pipeline);
}

/**
 * What Fastify refuses before routing, when no hook or filter runs: a path that is not valid
 * percent-encoding, or a path parameter longer than `MAX_PATH_PARAMETER_LENGTH`. Fastify's own
 * answer would be its `{ statusCode, code, error, message }` body, which echoes the path, with
 * no security headers and no line in the request log; this is the one envelope instead, after
 * the app's request pipeline, and no path.
 */
export function answerFrameworkError(
  error: FastifyError,
  req: HttpRequest,
  reply: HttpResponse,
): void {
  const answer = () => {
    if (!headersSent(reply)) sendErrorEnvelope(reply, refusalFor(error));
  };
  // No step passes an error on; one that answers itself (a CORS preflight) leaves nothing to send.
  const pipeline = pipelines.get(req.server);
  if (pipeline) pipeline(req, reply, answer);
  else answer(); // an app `configureApp` has not set up: no pipeline to run
}

function refusalFor(error: FastifyError): ProtocolError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new InvalidRequest('The request path is not valid percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new UriTooLong(
        `A path segment is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`,
      );
    default:
      return new ServerError('An unexpected error occurred');
  }
}

/**
 * What Node's HTTP parser refuses, before there is a request: bytes that are not HTTP (400), a
 * head over Node's header size limit (431), a head that took too long to arrive (408). Written
 * on the socket as Fastify's default does, but in the one envelope; a reset connection gets
 * nothing.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, description] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive']
        : [400, 'The request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Connection: close\r\nCache-Control: no-store\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
