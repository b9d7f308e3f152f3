import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { answeredError } from '../../platform/errors/answered-error';
import { DomainEvents } from '../../platform/events/domain-events';
import { ProofVerified } from '../../proofs/proof.events';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-authorization';
import { SUPPORTED_GRANT_TYPES } from './grant-types';
import { TokenRequestCompleted } from './token.events';

/** A device code's polls while the user has not answered: no verdict on the proof. */
const DEVICE_POLL_WAITS = ['authorization_pending', 'slow_down'];

/**
 * Reports how every answered POST /token ended: refusals by the rate limit, the content-type
 * guard and the validation pipe as much as the grants' own answers. A middleware that listens
 * for the response's end, not an interceptor: Nest wraps each interceptor in RxJS and an async
 * resource, which cost the token endpoint about a tenth of its CPU time (`npm run bench:ab`).
 */
@Injectable()
export class TokenRequestOutcome implements NestMiddleware {
  constructor(private readonly events: DomainEvents) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.once('finish', () => {
      const body = req.body as Record<string, unknown> | undefined;
      const grantType = body?.grant_type;
      // Known grant types, else "other" (never the client's string).
      const label =
        typeof grantType === 'string' && SUPPORTED_GRANT_TYPES.includes(grantType)
          ? grantType
          : 'other';
      const outcome = answeredError(res) ?? (res.statusCode < 400 ? 'success' : 'server_error');
      const seconds = (performance.now() - started) / 1000;
      this.events.emit(new TokenRequestCompleted(label, outcome, seconds));
      // The code exchange is the PKCE model's proof (RFC 7636 §4.6).
      if (label === 'authorization_code') {
        this.events.emit(new ProofVerified('pkce', outcome, seconds));
      }
      // RFC 8628 §3.5: the device code's redemption is the device model's proof; the polls that
      // wait for the user (authorization_pending, slow_down) prove nothing either way.
      if (label === DEVICE_CODE_GRANT_TYPE && !DEVICE_POLL_WAITS.includes(outcome)) {
        this.events.emit(new ProofVerified('device', outcome, seconds));
      }
    });
    next();
  }
}
