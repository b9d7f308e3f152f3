import { sendErrorEnvelope } from '../errors/protocol-error.filter';
import { InvalidRequest } from '../errors/protocol-error';
import type { HttpRequest, HttpResponse } from './http-exchange';
import type { RequestStep } from './in-sequence';

/** The request headers that carry a credential or its proof, each at most once. */
const SINGLETONS = ['authorization', 'dpop'] as const;

/**
 * A request with two `Authorization` (or `DPoP`) header lines is refused `400 invalid_request`
 * before any route reads it. Node keeps the first `Authorization` and drops the rest, so a proxy
 * or gateway that reads the last one would authorize another principal than this service does;
 * RFC 9110 §5.3 lets no sender repeat a field that is not a list, RFC 6750 §3.1 and RFC 6749 §2.3
 * allow one way of presenting a token or a client's credentials, and RFC 9449 §4.3 one proof.
 */
export function singleCredentials(): RequestStep<HttpRequest, HttpResponse> {
  return (req, res, next) => {
    const repeated = repeatedHeader(req.raw.rawHeaders);
    if (repeated === undefined) {
      next();
      return;
    }
    sendErrorEnvelope(
      res,
      new InvalidRequest(`The request has more than one ${repeated} header: send one`),
    );
  };
}

/** The first of SINGLETONS that `rawHeaders` (name, value, name, value…) has twice. */
export function repeatedHeader(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!(SINGLETONS as readonly string[]).includes(name)) continue;
    if (seen.has(name)) return name === 'dpop' ? 'DPoP' : 'Authorization';
    seen.add(name);
  }
  return undefined;
}
