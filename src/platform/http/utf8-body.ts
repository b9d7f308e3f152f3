import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequest } from '../errors/protocol-error';

/**
 * A body parser's `verify` hook that refuses a JSON body whose bytes are not UTF-8 (RFC 8259
 * §8.1: JSON exchanged between systems is UTF-8). Without it the parser decodes invalid bytes
 * as U+FFFD and the request goes on with text the client never sent.
 */
export function refuseInvalidUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (!isUtf8(body)) throw new InvalidRequest('The request body is not valid UTF-8');
}
