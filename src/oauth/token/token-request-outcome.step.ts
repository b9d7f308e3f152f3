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
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-authorization';
import { SUPPORTED_GRANT_TYPES } from './token-grants';
import { TokenRequestCompleted } from './token.events';

/** A device code's polls while the user has not answered: no verdict on the proof. */
const DEVICE_POLL_WAITS = ['authorization_pending', 'slow_down'];

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
      // The code exchange is the PKCE model's proof (RFC 7636 §4.6). Counted here, not in the
      // grant, because a request the rate limit or validation refuses never reaches the grant.
      if (label === 'authorization_code') {
        this.events.emit(new ProofVerified('pkce', outcome, seconds));
      }
      // RFC 8628 §3.5: the device code's redemption is the device model's proof (here, as above);
      // the polls that wait for the user (authorization_pending, slow_down) prove nothing.
      if (label === DEVICE_CODE_GRANT_TYPE && !DEVICE_POLL_WAITS.includes(outcome)) {
        this.events.emit(new ProofVerified('device', outcome, seconds));
      }
    });
  }
}
