import { repeatsAuthorization } from '@proofgate/resource-server';
import { sendErrorEnvelope } from '../errors/protocol-error.filter';
import { InvalidRequest } from '../errors/protocol-error';
import type { HttpRequest, HttpResponse } from './http-exchange';
import type { RequestStep } from './in-sequence';

/**
 * A request with two `Authorization` header lines is refused `400 invalid_request` before any
 * route reads it. Node keeps the first and drops the rest, so a proxy or gateway that reads the
 * last one would authorize another principal than this service does; RFC 9110 §5.3 lets no
 * sender repeat a field that is not a list, and RFC 6750 §3.1 and RFC 6749 §2.3 allow one way of
 * presenting a token or a client's credentials. (Two `DPoP` lines Node joins with a comma, which
 * the proof checks refuse as `invalid_dpop_proof`, RFC 9449 §4.3.)
 */
export function singleCredentials(): RequestStep<HttpRequest, HttpResponse> {
  return (req, res, next) => {
    // Node keeps one line in `headers`: none there, none twice (no walk of the raw lines).
    if (req.headers.authorization === undefined || !repeatsAuthorization(req.raw.rawHeaders)) {
      next();
      return;
    }
    sendErrorEnvelope(
      res,
      new InvalidRequest('The request has more than one Authorization header: send one'),
    );
  };
}
