import type { IncomingMessage } from 'node:http';
import {
  ResourceServer,
  type Requirements,
  type ResourceServerOptions,
  type Verdict,
} from './resource-server';

/** The plain face: one function per API, for any Node framework. */
export type CheckRequest = (
  request: Pick<IncomingMessage, 'method' | 'url' | 'headers'> & {
    originalUrl?: string;
    rawHeaders?: readonly string[];
  },
  route?: Requirements,
) => Promise<Verdict>;

/**
 * `createResourceServer({ issuer, resource, scopes, acr, maxAge })`: a function that checks a
 * Node request's access token and answers `{ ok: true, claims, headers }` or
 * `{ ok: false, status, headers, body }`, the refusal ready to send as it is. A route that asks for
 * more passes its own requirements as the second argument.
 */
export function createResourceServer(options: ResourceServerOptions): CheckRequest {
  const core = new ResourceServer(options);
  return (request, route) =>
    core.authenticate(
      {
        method: request.method,
        // Express rewrites `url` inside a mounted router; `originalUrl` is what the client sent.
        url: request.originalUrl ?? request.url,
        headers: request.headers,
        rawHeaders: request.rawHeaders,
      },
      route,
    );
}
