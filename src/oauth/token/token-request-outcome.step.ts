import { Injectable } from '@nestjs/common';
import {
  type HttpRequest,
  type HttpResponse,
  requestPath,
} from '../../platform/http/http-exchange';
import type { RequestStep } from '../../platform/http/in-sequence';
import { answeredError } from '../../platform/errors/answered-error';
import { DomainEvents } from '../../platform/events/domain-events';
import { ProofVerified } from '../../proofs/proof.events';
import { GRANT_PROOFS, SUPPORTED_GRANT_TYPES } from './token-grants';
import { TokenRequestCompleted } from './token.events';

/** POST /token as the router matches it: any case, one trailing slash. */
function isTokenRequest(req: HttpRequest): boolean {
  if (req.method !== 'POST') return false;
  const path = requestPath(req).toLowerCase();
  return path === '/token' || path === '/token/';
}

/**
 * Reports how every answered POST /token ended: refusals by the rate limit, the content-type
 * guard and the validation pipe as much as the grants' own answers. A step of the request
 * pipeline (app.setup.ts) that listens for the response's end, not an interceptor: Nest wraps
 * each interceptor in RxJS and an async resource, which cost the token endpoint about a tenth of
 * its CPU time (`npm run bench:ab`). Not a Nest middleware either: on Fastify those run through
 * @fastify/middie, before the body is parsed, on the raw request that never gets `body`.
 */
@Injectable()
export class TokenRequestOutcome {
  constructor(private readonly events: DomainEvents) {}

  step(): RequestStep<HttpRequest, HttpResponse> {
    return (req, res, next) => {
      if (isTokenRequest(req)) this.track(req, res);
      next();
    };
  }

  private track(req: HttpRequest, res: HttpResponse): void {
    const started = performance.now();
    res.raw.once('finish', () => {
      const body = req.body as Record<string, unknown> | undefined;
      const grantType = body?.grant_type;
      // Known grant types, else "other" (never the client's string).
      const label =
        typeof grantType === 'string' && SUPPORTED_GRANT_TYPES.includes(grantType)
          ? grantType
          : 'other';
      const outcome = answeredError(res) ?? (res.raw.statusCode < 400 ? 'success' : 'server_error');
      const seconds = (performance.now() - started) / 1000;
      this.events.emit(new TokenRequestCompleted(label, outcome, seconds));
      // A grant that is a model's proof (the code exchange is PKCE's, a device code's
      // redemption the device model's) is counted here, not in the grant, because a request the
      // rate limit or validation refuses never reaches the grant; a poll told to wait proves nothing.
      const proof = GRANT_PROOFS.get(label);
      if (proof !== undefined && !proof.waits?.includes(outcome)) {
        this.events.emit(new ProofVerified(proof.model, outcome, seconds));
      }
    });
  }
}
