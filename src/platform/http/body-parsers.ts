import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { parse as parseQueryString } from 'fast-querystring';
import { InvalidRequest } from '../errors/protocol-error';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './body-depth';
import { duplicateMemberName, quotedMemberName } from './json-duplicate-names';

/** A body refused while it is read, shaped as body-parser's errors (the error filter maps them). */
class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Marks a parser's error as a refused body (see the error filter's `refusedBody`). */
function refusal(error: unknown): Error {
  const marked = error instanceof Error ? error : new Error(String(error));
  (marked as { refusedBody?: boolean }).refusedBody = true;
  return marked;
}

export interface BodyLimits {
  /** Largest body in bytes (413 above). */
  readonly bytes: number;
  /** Most name=value pairs in a form body (413 above). */
  readonly formParameters: number;
  /** Deepest JSON nesting (400 above). */
  readonly jsonDepth?: number;
}

/** The charset parameter of the request's Content-Type, lower-cased, if any. */
function charsetOf(req: FastifyRequest): string | undefined {
  const type = req.headers['content-type'] ?? '';
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type);
  return match?.[1].toLowerCase();
}

/** `utf8`: no IANA name, but what many clients send for UTF-8 (Node's own name for it). */
const UTF8_ALIAS = 'utf8';

/** The refusal of JSON that parses to anything but an object. */
export const JSON_BODY_NOT_AN_OBJECT = 'The request body must be a JSON object';

/** body-parser refuses a compressed body it cannot inflate; here every coding but identity. */
function refuseContentEncoding(req: FastifyRequest): void {
  const coding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (coding !== 'identity') {
    throw new BodyError(415, 'encoding.unsupported', `unsupported content encoding "${coding}"`);
  }
}

function parseJson(req: FastifyRequest, body: Buffer, depthLimit: number): unknown {
  refuseContentEncoding(req);
  const charset = charsetOf(req) ?? 'utf-8';
  if (!charset.startsWith('utf-') && charset !== UTF8_ALIAS) {
    throw new BodyError(415, 'charset.unsupported', `unsupported charset "${charset}"`);
  }
  // RFC 8259 §8.1: JSON exchanged between systems is UTF-8. Without this check the decoder
  // would read invalid bytes as U+FFFD, and the request would go on with text never sent.
  if (!isUtf8(body)) throw new InvalidRequest('The request body is not valid UTF-8');
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, 'entity.parse.failed', (error as Error).message);
  }
  // Every endpoint reads named members, so the top is an object: an array would reach the route
  // as members "0", "1"… ("Unknown parameter: 0"), and `null`, a string, a number or a boolean is
  // valid JSON, only not a request.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequest(JSON_BODY_NOT_AN_OBJECT);
  }
  if (nestsDeeperThan(value, depthLimit)) {
    throw new InvalidRequest(
      `The request body is nested too deeply (more than ${depthLimit} levels)`,
    );
  }
  // RFC 8259 §4: names SHOULD be unique; I-JSON (RFC 7493 §2.3): they MUST NOT be duplicated.
  // JSON.parse keeps the last silently, so a proxy that keeps the first reads another request.
  const duplicate = duplicateMemberName(text);
  if (duplicate !== undefined) {
    throw new InvalidRequest(`The request body names member ${quotedMemberName(duplicate)} twice`);
  }
  return value;
}

function parseForm(req: FastifyRequest, body: Buffer, parameterLimit: number): unknown {
  refuseContentEncoding(req);
  const charset = charsetOf(req) ?? 'utf-8';
  if (charset !== 'utf-8' && charset !== UTF8_ALIAS) {
    throw new BodyError(415, 'charset.unsupported', `unsupported charset "${charset}"`);
  }
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  let count = 0;
  let index = -1;
  do {
    if (++count > parameterLimit) {
      throw new BodyError(413, 'parameters.too.many', 'too many parameters');
    }
    index = text.indexOf('&', index + 1);
  } while (index !== -1);
  // Flat name=value pairs (no `a[b][c]` nesting), repeated names as arrays.
  return { ...(parseQueryString(text) as Record<string, unknown>) };
}

/**
 * Reads a body of at most `limit` bytes. Over it, the rest is read off and dropped before the
 * refusal (as body-parser does), so the connection can stay open for the next request.
 */
function readBody(
  req: FastifyRequest,
  payload: IncomingMessage,
  limit: number,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const refuse = (error: Error) => {
    payload.removeAllListeners('data');
    if (payload.complete) {
      done(error);
      return;
    }
    payload.once('end', () => done(error));
    payload.once('error', () => done(error));
    payload.resume();
  };
  const tooLarge = () =>
    refusal(new BodyError(413, 'entity.too.large', 'request entity too large'));
  if (Number(req.headers['content-length']) > limit) {
    refuse(tooLarge());
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  payload.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      refuse(tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  payload.once('end', () => {
    if (received <= limit) done(null, Buffer.concat(chunks, received));
  });
  payload.once('error', (error) => done(error));
}

/**
 * The request bodies the service reads, as Fastify content-type parsers: JSON (UTF-8 only, an
 * object at the top, nesting bounded, no object naming a member twice) and flat forms,
 * both limited in size. A body of any other type, or of none named, is read off (within the same
 * limit) and refused with 415 in the one error envelope, rather than read as no body and refused
 * for a missing field; a request with an empty one goes on with no body.
 */
export function registerBodyParsers(instance: FastifyInstance, limits: BodyLimits): void {
  const depth = limits.jsonDepth ?? MAX_BODY_DEPTH;
  const parser =
    (parse: (req: FastifyRequest, body: Buffer) => unknown) =>
    (
      req: FastifyRequest,
      payload: IncomingMessage,
      done: (error: Error | null, body?: unknown) => void,
    ) =>
      readBody(req, payload, limits.bytes, (error, body) => {
        if (error || !body) {
          done(error ?? new Error('no body'));
          return;
        }
        try {
          done(null, parse(req, body));
        } catch (thrown) {
          done(refusal(thrown));
        }
      });
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser(
    'application/json',
    parser((req, body) => parseJson(req, body, depth)),
  );
  instance.addContentTypeParser(
    'application/x-www-form-urlencoded',
    parser((req, body) => parseForm(req, body, limits.formParameters)),
  );
  instance.addContentTypeParser('*', (req, payload, done) =>
    readBody(req, payload, limits.bytes, (error, body) => {
      if (error) done(error);
      else if (body?.length) {
        done(refusal(new BodyError(415, 'unsupported.type', 'unsupported content type')));
      } else done(null, undefined);
    }),
  );
}
